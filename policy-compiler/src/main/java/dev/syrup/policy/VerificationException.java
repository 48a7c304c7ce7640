package dev.syrup.policy;

import dev.syrup.error.ErrorKind;

/** The kernel's verifier rejected a hook program built from a policy. */
public class VerificationException extends PolicyException {
    private final String programName;
    private final int errno;
    private final String file;
    private final int line;
    private final String location;
    private final String sourceText;
    private final String summary;
    private final String log;

    /**
     * @param file       the policy's display name
     * @param line       the failing line in the policy, or -1 if it is not in the policy's file
     * @param location   file:line of the failing source line as the user should see it (the display
     *                   name for the policy, the file name for SDK code), or null without line info
     * @param sourceText the failing source line, or null
     */
    public VerificationException(String programName, int errno, String file, int line, String location,
                                 String sourceText, String summary, String log) {
        super(ErrorKind.VERIFIER, message(programName, errno, file, line, location, sourceText, summary));
        this.programName = programName;
        this.errno = errno;
        this.file = file;
        this.line = line;
        this.location = location;
        this.sourceText = sourceText;
        this.summary = summary;
        this.log = log;
    }

    private static String message(String programName, int errno, String file, int line, String location,
                                  String sourceText, String summary) {
        StringBuilder sb = new StringBuilder(file);
        if (line >= 0)
            sb.append(':').append(line);
        sb.append(": verifier rejected program ").append(programName).append(": ");
        sb.append(summary.isEmpty() ? "no reason given (errno " + errno + ")" : summary);
        if (line < 0 && location != null)
            sb.append("\n    in SDK code at ").append(location).append(sourceText == null ? "" : ":");
        if (sourceText != null && !sourceText.isEmpty())
            sb.append("\n    ").append(sourceText);
        return sb.toString();
    }

    /** The BPF program that failed to load, e.g. syrup_socket_select. */
    public String programName() { return programName; }

    /** The error number the load failed with (e.g. 13 for EACCES), positive. */
    public int errno() { return errno; }

    /** The policy's display name. */
    public String file() { return file; }

    /** The failing line of the policy, or -1 if the failure is not on a line of the policy's file. */
    public int line() { return line; }

    /** Where the failing source line is (policy.c:5 or syrup_hook.h:44), or null if the log has no line info. */
    public String location() { return location; }

    /** The failing source line's text, or null. */
    public String sourceText() { return sourceText; }

    /** The verifier's reason, its lines joined with "; ". */
    public String summary() { return summary; }

    /** The complete verifier log. */
    public String log() { return log; }
}
