package dev.syrup.daemon;

/** The caller may not do this: not the deployment's owner, or not privileged for the hook. */
final class ForbiddenException extends RuntimeException {
    ForbiddenException(String message) { super(message); }
}
