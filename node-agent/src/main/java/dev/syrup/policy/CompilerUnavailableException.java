package dev.syrup.policy;

/**
 * The compiler cannot run on this machine: clang is missing, or the compile sandbox cannot be set up.
 * The policy is not at fault; the message says what is missing and how to install or allow it.
 */
public class CompilerUnavailableException extends CompileException {
    public CompilerUnavailableException(String message) {
        super(message);
    }
}
