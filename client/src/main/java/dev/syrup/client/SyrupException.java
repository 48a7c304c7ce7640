package dev.syrup.client;

import dev.syrup.api.ErrorInfo;

/**
 * A request syrupd refused, or could not be made. kind is one of the protocol's error kinds
 * (ErrorInfo), or UNREACHABLE / PROTOCOL for failures on this side of the socket.
 */
public class SyrupException extends RuntimeException {
    /** syrupd could not be reached, or the connection broke before it answered. */
    public static final String UNREACHABLE = "unreachable";
    /** syrupd's answer did not follow the protocol. */
    public static final String PROTOCOL = "protocol";

    private final String kind;
    private final String file;
    private final Integer line;

    public SyrupException(String kind, String message, String file, Integer line) {
        super(message);
        this.kind = kind;
        this.file = file;
        this.line = line;
    }

    public SyrupException(String kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.file = null;
        this.line = null;
    }

    public static SyrupException of(ErrorInfo error) {
        return new SyrupException(error.kind(), error.message(), error.file(), error.line());
    }

    public String kind() { return kind; }

    /** The policy's name, for compile and verifier errors when syrupd knows it; else null. */
    public String file() { return file; }

    /** The policy's line, for compile and verifier errors when syrupd knows it; else null. */
    public Integer line() { return line; }

    public boolean isUnreachable() { return UNREACHABLE.equals(kind); }

    public ErrorInfo toErrorInfo() { return new ErrorInfo(kind, getMessage(), file, line); }
}
