package dev.syrup.hook.thread;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sched_ext backend: one struct_ops scheduler owned by the agent, in partial-switch mode,
 * dispatching the selected threads (set to SCHED_EXT) to the CPU the policy published in
 * {@code syrup_thread_cpu}. Built separately; this build only detects the kernel's support.
 */
public final class SchedExtBackend {
    /** Present on kernels built with CONFIG_SCHED_CLASS_EXT. */
    public static final Path STATE = Path.of("/sys/kernel/sched_ext/state");

    private SchedExtBackend() {}

    /** Whether the running kernel has sched_ext. */
    public static boolean kernelSupports() { return Files.exists(STATE); }

    /** Whether this build can run the sched_ext backend. */
    public static boolean implemented() { return false; }
}
