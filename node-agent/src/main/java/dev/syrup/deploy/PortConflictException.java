package dev.syrup.deploy;

import dev.syrup.error.ErrorKind;
import dev.syrup.error.DomainException;

/** The port (per namespace, protocol and hook instance) is already claimed by another deployment. */
public class PortConflictException extends DomainException {
    public PortConflictException(String message) { super(ErrorKind.CONFLICT, message); }
}
