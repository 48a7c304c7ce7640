package dev.syrup.bpf;

/** A thread's scheduling policy (class): SCHED_OTHER (the fair class) or SCHED_EXT (sched_ext). */
public final class Sched {
    static {
        NativeLibrary.ensureAvailable();
    }

    public static final int SCHED_OTHER = 0;
    /** Tasks of this policy are scheduled by the loaded sched_ext scheduler (fair class when none is loaded). */
    public static final int SCHED_EXT = 7;
    /** errno when the thread does not exist (any more). */
    public static final int ESRCH = 3;

    private Sched() {}

    /** setPolicy sets tid's policy keeping its nice value; returns 0 or -errno (-ESRCH: it exited). */
    public static int setPolicy(int tid, int policy) { return setPolicy0(tid, policy); }

    /** tid's policy, or -errno. */
    public static int policy(int tid) { return policy0(tid); }

    /** The calling thread's kernel id (gettid). */
    public static int currentTid() { return currentTid0(); }

    private static native int setPolicy0(int tid, int policy);

    private static native int policy0(int tid);

    private static native int currentTid0();
}
