package dev.syrup.error;

/**
 * A failure the user can act on, with its kind. Everything the agent refuses or cannot do for a
 * request is one of these; any other exception is a fault of the system (kind internal).
 */
public class DomainException extends RuntimeException {
    private final ErrorKind kind;

    public DomainException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public DomainException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() { return kind; }

    /** The input is malformed or impossible. */
    public static DomainException invalid(String message) { return new DomainException(ErrorKind.INVALID_REQUEST, message); }

    /** No such deployment, map or key. */
    public static DomainException notFound(String message) { return new DomainException(ErrorKind.NOT_FOUND, message); }

    /** The caller may not do this. */
    public static DomainException forbidden(String message) { return new DomainException(ErrorKind.FORBIDDEN, message); }

    /** Held by another deployment. */
    public static DomainException conflict(String message) { return new DomainException(ErrorKind.CONFLICT, message); }

    /** Cannot be served now. */
    public static DomainException unavailable(String message) { return new DomainException(ErrorKind.UNAVAILABLE, message); }
}
