package dev.syrup.policy;

/** A policy the system cannot accept: unreadable, too large, does not compile, or rejected by the verifier. */
public class PolicyException extends RuntimeException {
    public PolicyException(String message) {
        super(message);
    }

    public PolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
