package dev.syrup.bpf;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the thread hook's ring buffer (struct syrup_thread_event in native/bpf/syrup_thread.h)
 * with libbpf's ring_buffer API. One reader per ring buffer, used by one thread.
 */
public final class ThreadEvents implements AutoCloseable {
    static {
        NativeLibrary.ensureAvailable();
    }

    private static final int FIELDS = 5;
    private static final int EINTR = 4;

    /** A changed decision: run thread tid on cpu (-1: the thread exited), stamped with CLOCK_MONOTONIC. */
    public record Event(int tid, int pid, int cpu, int kind, long timestampNs) {}

    private final long[] buffer;
    private long handle;

    private ThreadEvents(long handle, int batch) {
        this.handle = handle;
        this.buffer = new long[batch * FIELDS];
    }

    /** open reads the ring buffer map ring (the caller keeps it open). */
    public static ThreadEvents open(Fd ring, int batch) { return new ThreadEvents(open(ring.get()), batch); }

    /** poll waits up to timeoutMs for events and returns those that came (possibly none). */
    public List<Event> poll(int timeoutMs) {
        int n = poll(handle(), timeoutMs, buffer);
        if (n == -EINTR) {
            return List.of();
        }
        BpfException.check("ring_buffer__poll", n);
        List<Event> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int o = i * FIELDS;
            out.add(new Event((int) buffer[o], (int) buffer[o + 1], (int) buffer[o + 2], (int) buffer[o + 3], buffer[o + 4]));
        }
        return out;
    }

    /** Events consumed but not delivered because a poll's batch was full (none in practice). */
    public long dropped() { return dropped(handle()); }

    private long handle() {
        if (handle == 0) {
            throw new IllegalStateException("ring buffer reader already closed");
        }
        return handle;
    }

    @Override
    public void close() {
        if (handle != 0) {
            close(handle);
            handle = 0;
        }
    }

    private static native long open(int mapFd);

    private static native int poll(long handle, int timeoutMs, long[] out);

    private static native long dropped(long handle);

    private static native void close(long handle);
}
