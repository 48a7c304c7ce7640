package dev.syrup.bpf;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the bind watcher's ring buffer (struct syrup_bind_event in native/bpf/bind_watch.h) with
 * libbpf's ring_buffer API, and attaches its programs to a cgroup. One reader per ring buffer,
 * used by one thread.
 */
public final class BindEvents implements AutoCloseable {
    static {
        NativeLibrary.ensureAvailable();
    }

    private static final int FIELDS = 9;
    private static final int EINTR = 4;
    public static final int BOUND = 1;
    public static final int RELEASED = 2;

    /**
     * A socket bound to (kind BOUND) or closed on (RELEASED) a watched port, by process pid, stamped
     * with CLOCK_MONOTONIC (System.nanoTime's clock).
     */
    public record Event(int pid, int uid, long cgroupId, long netnsCookie, int port, int protocol, int kind, int family,
                        long timestampNs) {}

    private final long[] buffer;
    private long handle;

    private BindEvents(long handle, int batch) {
        this.handle = handle;
        this.buffer = new long[batch * FIELDS];
    }

    /** open reads the ring buffer map ring (the caller keeps it open). */
    public static BindEvents open(Fd ring, int batch) { return new BindEvents(open(ring.get()), batch); }

    /**
     * attachCgroup attaches the object's program to the cgroup open at cgroup and returns the link;
     * closing the link detaches it (it is never pinned).
     */
    public static Fd attachCgroup(BpfObject object, String program, Fd cgroup) {
        return Fd.own(attachCgroup(object.nativeHandle(), program, cgroup.get()));
    }

    /** openDirectory opens a directory (a cgroup's) to attach programs to it. */
    public static Fd openDirectory(java.nio.file.Path dir) { return Fd.own(openDirectory(dir.toString())); }

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
            out.add(new Event((int) buffer[o], (int) buffer[o + 1], buffer[o + 2], buffer[o + 3], (int) buffer[o + 4],
                    (int) buffer[o + 5], (int) buffer[o + 6], (int) buffer[o + 7], buffer[o + 8]));
        }
        return out;
    }

    /** Events consumed but not delivered because a poll's batch was full. */
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

    private static native int attachCgroup(long obj, String program, int cgroupFd);

    private static native int openDirectory(String path);

    private static native long open(int mapFd);

    private static native int poll(long handle, int timeoutMs, long[] out);

    private static native long dropped(long handle);

    private static native void close(long handle);
}
