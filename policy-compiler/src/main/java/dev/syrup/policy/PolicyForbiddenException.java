package dev.syrup.policy;

import dev.syrup.error.ErrorKind;

/**
 * A policy that asks for more than scheduling its own inputs: a file other than syrup.h, a
 * preprocessor feature that reaches the compiler's host, a forbidden helper, program, section or
 * map. The message names the policy's file and line where known and quotes nothing but the policy.
 */
public class PolicyForbiddenException extends PolicyException {
    private final String file;
    private final int line;

    /**
     * @param file   the policy's display name
     * @param line   the offending line of the policy, or -1 when it is not known
     * @param reason what is refused and why, without the file and line
     */
    public PolicyForbiddenException(String file, int line, String reason) {
        super(ErrorKind.FORBIDDEN, file + (line > 0 ? ":" + line : "") + ": forbidden: " + reason);
        this.file = file;
        this.line = line;
    }

    /** The policy's display name. */
    public String file() { return file; }

    /** The offending line, or -1. */
    public int line() { return line; }
}
