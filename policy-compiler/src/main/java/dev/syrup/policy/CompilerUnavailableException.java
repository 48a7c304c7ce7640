package dev.syrup.policy;

import dev.syrup.error.ErrorKind;
import java.util.List;

/**
 * The compiler cannot run on this machine: clang is missing, or the compile sandbox cannot be set up.
 * The policy is not at fault (kind unavailable); the message says what is missing and how to install
 * or allow it.
 */
public class CompilerUnavailableException extends CompileException {
    public CompilerUnavailableException(String message) {
        super(ErrorKind.UNAVAILABLE, message, List.of(), "");
    }
}
