package dev.syrup.deploy;

/** The deployment's policy declares no map of that name. */
public class NoSuchMapException extends IllegalArgumentException {
    public NoSuchMapException(String message) { super(message); }
}
