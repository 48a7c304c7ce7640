package dev.syrup.policy.elf;

/** An object file the inspector cannot read: not clang's BPF output, or damaged. */
public class MalformedObjectException extends RuntimeException {
    public MalformedObjectException(String message) {
        super(message);
    }
}
