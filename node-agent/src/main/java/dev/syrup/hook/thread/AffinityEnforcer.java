package dev.syrup.hook.thread;

import dev.syrup.bpf.Affinity;
import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfException;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.ThreadEvents;
import dev.syrup.hook.ThreadTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The affinity backend for one deployment: a thread that reads the deployment's ring buffer and
 * restricts each thread to the CPU its policy chose, with sched_setaffinity. It moves a thread only
 * if it is still in the deployment's cgroup (and, for a deployment of registered threads, still
 * registered), only to a CPU the application allowed it, and only if it is not there already; it
 * remembers each thread's original CPUs (on disk) to put them back.
 */
final class AffinityEnforcer {
    private static final int POLL_MS = 100;
    private static final int BATCH = 256;
    private static final int LATENCY_SAMPLES = 4096;
    private static final int ESRCH = 3;

    private final String id;
    private final ThreadTarget target;
    private final Path cpuMap;
    private final TouchedThreads touched;
    private final Consumer<String> log;
    private final Set<Integer> seen = ConcurrentHashMap.newKeySet();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong moved = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final long[] latencies = new long[LATENCY_SAMPLES];
    private long latencyCount;
    private volatile boolean running = true;
    private final Thread reader;
    /** The registered threads (tid -> tgid), for a target of registered threads only; else null. */
    private final BpfMap registered;
    /** Held while a decision is applied and while an unregistered thread is put back: one never undoes the other. */
    private final Object moving = new Object();

    AffinityEnforcer(String id, ThreadTarget target, Path targetDir, Path cpuMap, TouchedThreads touched,
                     Consumer<String> log) {
        this.id = id;
        this.target = target;
        this.cpuMap = cpuMap;
        this.touched = touched;
        this.log = log;
        this.registered = target.registeredOnly()
                ? new BpfMap(Bpf.open(targetDir.resolve(ThreadAttacher.TIDS_PIN))) : null;
        Fd ring = Bpf.open(targetDir.resolve(ThreadAttacher.EVENTS_PIN));
        ThreadEvents events;
        try {
            events = ThreadEvents.open(ring, BATCH);
        } catch (RuntimeException e) {
            ring.close();
            if (registered != null) {
                registered.close();
            }
            throw e;
        }
        this.reader = new Thread(() -> run(ring, events), "syrup-thread-" + id);
        reader.setDaemon(true);
        reader.start();
    }

    private void run(Fd ring, ThreadEvents reader) {
        try (ring; reader) {
            while (running) {
                for (ThreadEvents.Event e : reader.poll(POLL_MS)) {
                    handle(e);
                }
            }
        } catch (RuntimeException e) {
            log.accept("thread deployment " + id + ": reading its events failed, decisions are no longer applied: " + e);
        }
    }

    private void handle(ThreadEvents.Event e) {
        events.incrementAndGet();
        int tid = e.tid();
        if (e.cpu() < 0) {
            touched.forget(tid); // it exited: nothing to put back
            seen.remove(tid);
            return;
        }
        seen.add(tid);
        synchronized (moving) {
            apply(e, tid);
        }
    }

    private void apply(ThreadEvents.Event e, int tid) {
        try {
            if (registered != null) {
                // A decision made before the thread was unregistered comes too late.
                byte[] tgid = registered.lookup(BpfMap.u32(tid)).orElse(null);
                if (tgid == null || java.nio.ByteBuffer.wrap(tgid).order(java.nio.ByteOrder.nativeOrder()).getInt() != e.pid()) {
                    forgetDecision(tid); // so that a new registration publishes one again
                    skipped.incrementAndGet();
                    return;
                }
            }
            OptionalLong start = ProcTask.startTime(tid);
            if (start.isEmpty() || !Cgroups.contains(target.cgroup(), tid)) {
                skipped.incrementAndGet(); // gone, or no longer the application's
                return;
            }
            TouchedThreads.Entry original = touched.get(tid);
            if (original != null && original.startTime() != start.getAsLong()) {
                touched.forget(tid); // an exited thread's tid, reused
                original = null;
            }
            BitSet current = Affinity.get(tid);
            BitSet allowed = original != null ? original.mask() : current;
            if (!allowed.get(e.cpu())) {
                skipped.incrementAndGet(); // never widen what the application allowed
                return;
            }
            if (current.cardinality() == 1 && current.get(e.cpu())) {
                return;
            }
            if (original == null) {
                touched.add(tid, start.getAsLong(), current);
            }
            BitSet one = new BitSet();
            one.set(e.cpu());
            long done = Affinity.set(tid, one);
            moved.incrementAndGet();
            recordLatency(done - e.timestampNs());
        } catch (BpfException ex) {
            if (ex.errno() != ESRCH) {
                log.accept("thread deployment " + id + ": moving thread " + tid + " to CPU " + e.cpu() + " failed: " + ex.getMessage());
            }
            skipped.incrementAndGet();
        }
    }

    private synchronized void recordLatency(long ns) {
        latencies[(int) (latencyCount++ % LATENCY_SAMPLES)] = ns;
    }

    /** halt stops reading events (the caller then restores, or leaves things for a restarted agent). */
    void halt() {
        running = false;
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (registered != null && !reader.isAlive()) {
            registered.close();
        }
    }

    /**
     * release puts an unregistered thread back on the CPUs it had before this deployment moved it
     * (the caller has taken it out of the registered threads first) and forgets its decision, so a
     * new registration publishes one again.
     */
    void release(int tid) {
        synchronized (moving) {
            TouchedThreads.Entry original = touched.get(tid);
            if (original != null) {
                OptionalLong start = ProcTask.startTime(tid);
                if (start.isPresent() && start.getAsLong() == original.startTime()) {
                    try {
                        Affinity.set(tid, original.mask());
                    } catch (BpfException e) {
                        if (e.errno() != ESRCH) {
                            log.accept("thread deployment " + id + ": restoring the CPUs of thread " + tid + " failed: "
                                    + e.getMessage());
                        }
                    }
                }
                touched.forget(tid);
            }
            seen.remove(tid);
            forgetDecision(tid);
        }
    }

    /** Drops tid's published decision from the node-wide tid -> CPU map. */
    private void forgetDecision(int tid) {
        if (Files.exists(cpuMap)) {
            try (BpfMap map = new BpfMap(Bpf.open(cpuMap))) {
                map.delete(BpfMap.u32(tid));
            }
        }
    }

    /** restore puts every thread this deployment moved back on its original CPUs and forgets them. */
    void restore() {
        restore(touched, log);
        forgetDecisions();
    }

    static void restore(TouchedThreads touched, Consumer<String> log) {
        for (TouchedThreads.Entry t : touched.all()) {
            OptionalLong start = ProcTask.startTime(t.tid());
            if (start.isEmpty() || start.getAsLong() != t.startTime()) {
                continue; // exited (its tid may belong to another thread now)
            }
            try {
                Affinity.set(t.tid(), t.mask());
            } catch (BpfException e) {
                if (e.errno() != ESRCH) {
                    log.accept("restoring the CPUs of thread " + t.tid() + " failed: " + e.getMessage());
                }
            }
        }
        touched.delete();
    }

    /** Drops this deployment's threads from the node-wide tid -> CPU map. */
    private void forgetDecisions() {
        if (!Files.exists(cpuMap)) {
            return;
        }
        try (BpfMap map = new BpfMap(Bpf.open(cpuMap))) {
            for (int tid : seen) {
                map.delete(BpfMap.u32(tid));
            }
        }
    }

    synchronized ThreadStats stats() {
        int n = (int) Math.min(latencyCount, LATENCY_SAMPLES);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        return new ThreadStats(AffinityBackend.NAME, events.get(), moved.get(), skipped.get(), touched.size(),
                percentileUs(sorted, 0.50), percentileUs(sorted, 0.99));
    }

    private static double percentileUs(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1000.0;
    }
}
