package dev.syrup.hook.thread;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.hook.PinLayout;
import dev.syrup.hook.ThreadTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The sched_ext backend: one struct_ops scheduler owned by the agent ({@link SchedExtScheduler}), in
 * partial-switch mode, loaded with the first thread deployment and unloaded with the last. Each
 * deployment's cgroup has its threads set to SCHED_EXT (new threads inherit it; threads that enter
 * the cgroup later are switched by a rescan every {@value #RESCAN_MS} ms); the scheduler dispatches
 * each of them to the CPU its policy published in the node-wide {@code syrup_thread_cpu} map, which
 * the thread hook's programs write and the scheduler reuses from its pin. Everything else stays in
 * the fair class.
 *
 * <p>Removing a deployment returns its threads to SCHED_OTHER. When the agent exits or crashes the
 * kernel unloads the scheduler and the threads run in the fair class (still SCHED_EXT, so the next
 * agent's scheduler takes them back when it adopts the deployment).
 */
public final class SchedExtBackend implements ThreadBackend {
    public static final String NAME = "sched_ext";
    /** Present on kernels built with CONFIG_SCHED_CLASS_EXT. */
    public static final Path STATE = SchedExtScheduler.SCX_DIR.resolve("state");
    static final long RESCAN_MS = 200;

    private final Path objectFile;
    private final Path cpuMap;
    private final Consumer<String> log;
    private final Map<String, Path> cgroups = new ConcurrentHashMap<>();
    private final Map<String, Set<Integer>> switched = new ConcurrentHashMap<>();
    private SchedExtScheduler scheduler;
    private ScheduledExecutorService rescan;

    /** objectFile: the prebuilt scheduler (native/bpf/scx_syrup.bpf.c). */
    public SchedExtBackend(Path objectFile, PinLayout layout, Consumer<String> log) {
        this.objectFile = objectFile;
        this.cpuMap = ThreadAttacher.cpuMapPin(layout);
        this.log = log;
    }

    /** Whether the running kernel has sched_ext. */
    public static boolean kernelSupports() { return Files.exists(STATE); }

    /** Whether this build can run the sched_ext backend. */
    public static boolean implemented() { return true; }

    @Override
    public String name() { return NAME; }

    @Override
    public synchronized void start(String id, ThreadTarget target, Path targetDir) {
        if (scheduler == null) {
            scheduler = SchedExtScheduler.start(objectFile, cpuMap);
            log.accept("sched_ext scheduler '" + SchedExtScheduler.OPS_NAME + "' loaded (partial switch)");
            rescan = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sched_ext-rescan");
                t.setDaemon(true);
                return t;
            });
            rescan.scheduleWithFixedDelay(this::rescan, RESCAN_MS, RESCAN_MS, TimeUnit.MILLISECONDS);
        }
        Path dir = Cgroups.v2Mount().resolve(target.cgroup().path().substring(1));
        cgroups.put(id, dir);
        switched.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).addAll(SchedExtThreads.switchToExt(dir));
    }

    @Override
    public void adopt(String id, ThreadTarget target, Path targetDir) { start(id, target, targetDir); }

    @Override
    public synchronized void stop(String id) {
        Path dir = cgroups.remove(id);
        Set<Integer> tids = switched.remove(id);
        if (dir != null) {
            Set<Integer> all = ConcurrentHashMap.newKeySet();
            all.addAll(SchedExtThreads.threadsOf(dir));
            if (tids != null)
                all.addAll(tids);
            SchedExtThreads.restore(all);
        }
        if (cgroups.isEmpty() && scheduler != null) {
            shutdown();
            log.accept("sched_ext scheduler unloaded: no thread deployment left");
        }
    }

    /** Nothing is recorded: a deployment's threads left SCHED_EXT run in the fair class with no scheduler. */
    /**
     * The unregistered thread loses its decided CPU, so the scheduler dispatches it to any CPU from the
     * global queue; it stays in the sched_ext class while the deployment lasts (a rescan would switch it
     * back), and returns to SCHED_OTHER with the others when the deployment is removed.
     */
    @Override
    public synchronized void release(String id, int tid) {
        if (Files.exists(cpuMap)) {
            try (BpfMap decisions = new BpfMap(Bpf.open(cpuMap))) {
                decisions.delete(BpfMap.u32(tid));
            }
        }
    }

    @Override
    public void discard(String id) {}

    @Override
    public Set<String> recorded() { return Set.of(); }

    /**
     * The scheduler's dispatch counters are node-wide: events counts every dispatch, moved those to a
     * decided CPU, skipped decisions outside a thread's affinity; threads is this deployment's.
     */
    @Override
    public synchronized ThreadStats stats(String id) {
        Set<Integer> tids = switched.get(id);
        int threads = tids == null ? 0 : tids.size();
        if (scheduler == null)
            return new ThreadStats(NAME, 0, 0, 0, threads, -1, -1);
        SchedExtScheduler.Stats s = scheduler.stats();
        return new ThreadStats(NAME, s.onDecidedCpu() + s.global(), s.onDecidedCpu(), s.notAllowed(), threads, -1, -1);
    }

    /** Whether the scheduler is loaded and the kernel runs it. */
    public synchronized boolean running() { return scheduler != null && scheduler.running(); }

    @Override
    public synchronized void close() {
        if (scheduler != null)
            shutdown();
        cgroups.clear();
        switched.clear();
    }

    private void shutdown() {
        rescan.shutdownNow();
        scheduler.close();
        scheduler = null;
    }

    /** Under the backend's lock: a rescan racing with stop() would switch the threads it just restored. */
    private synchronized void rescan() {
        if (scheduler == null)
            return;
        try {
            cgroups.forEach((id, dir) -> {
                var now = SchedExtThreads.switchToExt(dir);
                Set<Integer> tids = switched.get(id);
                if (tids != null)
                    tids.addAll(now);
            });
        } catch (RuntimeException e) {
            log.accept("sched_ext: rescanning cgroups failed: " + e.getMessage());
        }
    }
}
