package dev.syrup.hook.thread;

/** The sched_ext backend cannot run: no sched_ext, another scheduler loaded, or the kernel refused ours. */
public class SchedExtException extends RuntimeException {
    public SchedExtException(String message) { super(message); }

    public SchedExtException(String message, Throwable cause) { super(message, cause); }
}
