package dev.syrup.api;

/** Why a request failed: kind as in docs/protocol.md, and the policy's file and line when known. */
public record ErrorInfo(String kind, String message, String file, Integer line) {
    public static final String INVALID_REQUEST = "invalid-request";
    public static final String COMPILE = "compile";
    public static final String VERIFIER = "verifier";
    public static final String NOT_FOUND = "not-found";
    public static final String FORBIDDEN = "forbidden";
    public static final String CONFLICT = "conflict";
    public static final String UNAVAILABLE = "unavailable";
    public static final String INTERNAL = "internal";
}
