package dev.syrup.hook;

import dev.syrup.error.ErrorKind;
import dev.syrup.error.DomainException;

/** What a target needs is not there: no application sockets on the port, no such interface. */
public class TargetUnavailableException extends DomainException {
    public TargetUnavailableException(String message) { super(ErrorKind.UNAVAILABLE, message); }

    public TargetUnavailableException(String message, Throwable cause) { super(ErrorKind.UNAVAILABLE, message, cause); }
}
