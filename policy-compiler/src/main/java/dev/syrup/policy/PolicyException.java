package dev.syrup.policy;

import dev.syrup.error.ErrorKind;
import dev.syrup.error.DomainException;

/**
 * A policy the system cannot accept: unreadable, too large, does not compile, asks for what it
 * may not have, or rejected by the verifier. The subclasses carry the kind; a plain one is invalid
 * input (e.g. a map libbpf cannot create).
 */
public class PolicyException extends DomainException {
    public PolicyException(String message) {
        super(ErrorKind.INVALID_REQUEST, message);
    }

    public PolicyException(String message, Throwable cause) {
        super(ErrorKind.INVALID_REQUEST, message, cause);
    }

    protected PolicyException(ErrorKind kind, String message) {
        super(kind, message);
    }
}
