package dev.syrup.error;

/**
 * What went wrong, in the one vocabulary every boundary uses: the protocol's error kinds
 * (docs/protocol.md) and, through the agent, the reasons in Kubernetes status.
 */
public enum ErrorKind {
    /** The request or the input is malformed or names something impossible. */
    INVALID_REQUEST("invalid-request"),
    /** clang could not compile the policy. */
    COMPILE("compile"),
    /** The kernel's verifier rejected the policy's program. */
    VERIFIER("verifier"),
    /** The caller, or the policy, asks for what it may not have. */
    FORBIDDEN("forbidden"),
    /** No such deployment, map or key. */
    NOT_FOUND("not-found"),
    /** What it asks for is held by another deployment. */
    CONFLICT("conflict"),
    /** The target cannot be served now (no sockets, a process gone); it may work later. */
    UNAVAILABLE("unavailable"),
    /** A fault of the system itself, not of the request. */
    INTERNAL("internal");

    private final String protocolName;

    ErrorKind(String protocolName) { this.protocolName = protocolName; }

    /** The kind's name in the protocol, e.g. "not-found". */
    public String protocolName() { return protocolName; }
}
