package dev.syrup.hook.thread;

import dev.syrup.error.DomainException;
import dev.syrup.hook.PinLayout;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Picks the thread backend for this kernel: sched_ext where the kernel has it, else affinity. */
public final class ThreadBackends {
    /** System property that forces a backend: "affinity" or "sched_ext". */
    public static final String PROPERTY = "syrup.thread.backend";

    private ThreadBackends() {}

    /**
     * detect returns the backend to use. schedulerObject is the prebuilt sched_ext scheduler (used
     * where the kernel has sched_ext); stateDir keeps what the affinity backend must remember across
     * restarts (the threads it moved and their original CPUs).
     */
    public static ThreadBackend detect(Path schedulerObject, PinLayout layout, Path stateDir, Consumer<String> log) {
        String forced = System.getProperty(PROPERTY, "");
        boolean schedExt = forced.isEmpty() ? SchedExtBackend.kernelSupports() : forced.equals(SchedExtBackend.NAME);
        if (!forced.isEmpty() && !forced.equals(SchedExtBackend.NAME) && !forced.equals(AffinityBackend.NAME)) {
            throw DomainException.invalid(PROPERTY + " must be " + SchedExtBackend.NAME + " or "
                    + AffinityBackend.NAME + ", not '" + forced + "'");
        }
        if (schedExt) {
            log.accept("thread policies use sched_ext (the kernel has it)");
            return new SchedExtBackend(schedulerObject, layout, log);
        }
        return new AffinityBackend(layout, stateDir, log);
    }
}
