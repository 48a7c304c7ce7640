package dev.syrup.policy;

import dev.syrup.error.ErrorKind;

import java.util.List;

/** clang could not compile a policy (or could not be run). */
public class CompileException extends PolicyException {
    private final List<Diagnostic> diagnostics;
    private final String output;

    public CompileException(String message, List<Diagnostic> diagnostics, String output) {
        this(ErrorKind.COMPILE, message, diagnostics, output);
    }

    protected CompileException(ErrorKind kind, String message, List<Diagnostic> diagnostics, String output) {
        super(kind, message);
        this.diagnostics = List.copyOf(diagnostics);
        this.output = output;
    }

    public CompileException(String message) {
        this(message, List.of(), "");
    }

    /** clang's messages, with the policy's file under its display name. */
    public List<Diagnostic> diagnostics() { return diagnostics; }

    /** clang's complete output (capped), with the private work file replaced by the display name. */
    public String output() { return output; }
}
