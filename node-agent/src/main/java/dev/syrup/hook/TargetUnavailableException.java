package dev.syrup.hook;

/** What a target needs is not there: no application sockets on the port, no such interface. */
public class TargetUnavailableException extends IllegalStateException {
    public TargetUnavailableException(String message) { super(message); }

    public TargetUnavailableException(String message, Throwable cause) { super(message, cause); }
}
