package dev.syrup.deploy;

/** The port (per namespace, protocol and hook instance) is already claimed by another deployment. */
public class PortConflictException extends IllegalStateException {
    public PortConflictException(String message) { super(message); }
}
