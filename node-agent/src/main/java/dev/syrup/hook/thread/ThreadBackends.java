package dev.syrup.hook.thread;

import dev.syrup.deploy.PinLayout;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Picks the thread backend for this kernel: sched_ext where the kernel has it, else affinity. */
public final class ThreadBackends {
    private ThreadBackends() {}

    /**
     * detect returns the backend to use. stateDir keeps what the affinity backend must remember
     * across restarts (the threads it moved and their original CPUs).
     */
    public static ThreadBackend detect(PinLayout layout, Path stateDir, Consumer<String> log) {
        if (SchedExtBackend.kernelSupports() && !SchedExtBackend.implemented()) {
            log.accept("the kernel has sched_ext but this build has no sched_ext backend: thread policies use affinity");
        }
        return new AffinityBackend(layout, stateDir, log);
    }
}
