package dev.syrup.bpf;

import java.util.BitSet;

/** sched_getaffinity / sched_setaffinity of one thread (by tid). */
public final class Affinity {
    static {
        NativeLibrary.ensureAvailable();
    }

    /** Words of a CPU mask: CPU_SETSIZE (1024) bits. */
    private static final int WORDS = 16;

    private Affinity() {}

    /** The CPUs thread tid may run on. */
    public static BitSet get(int tid) {
        long[] mask = new long[WORDS];
        BpfException.check("sched_getaffinity(" + tid + ")", get(tid, mask));
        return BitSet.valueOf(mask);
    }

    /**
     * set restricts thread tid to cpus and returns CLOCK_MONOTONIC (ns) right after the kernel
     * accepted it (the clock of the BPF events' timestamps).
     */
    public static long set(int tid, BitSet cpus) {
        long[] mask = java.util.Arrays.copyOf(cpus.toLongArray(), WORDS);
        long r = set(tid, mask);
        if (r < 0) {
            throw new BpfException("sched_setaffinity(" + tid + ")", (int) -r);
        }
        return r;
    }

    private static native int get(int tid, long[] mask);

    private static native long set(int tid, long[] mask);
}
