package dev.syrup.hook.thread;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfLoadException;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.StructOps;
import dev.syrup.bpf.Bpffs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The agent's sched_ext scheduler (native/bpf/scx_syrup.bpf.c): one per node, registered in
 * partial-switch mode through a BPF link this object holds. It schedules only SCHED_EXT threads, each
 * on the CPU its thread policy published in the node-wide decision map. The link is never pinned:
 * when the agent closes it, exits or crashes, the kernel unloads the scheduler and every thread returns
 * to the fair class.
 */
public final class SchedExtScheduler implements AutoCloseable {
    public static final Path SCX_DIR = Path.of("/sys/kernel/sched_ext");
    /** Prebuilt object in the SDK's bpf directory. */
    public static final String OBJECT = "scx_syrup.bpf.o";
    /** The struct_ops map, and the name the kernel shows in /sys/kernel/sched_ext/root/ops. */
    public static final String OPS_MAP = "syrup_ops";
    public static final String OPS_NAME = "syrup";
    /** tid -> CPU, written by the thread hook's programs (shared with them through its pin). */
    public static final String DECISIONS_MAP = "syrup_thread_cpu";
    static final String STATS_MAP = "syrup_scx_stats";
    private static final long ENABLE_TIMEOUT_NS = 30_000_000_000L;

    private final BpfObject object;
    private Fd link;

    private SchedExtScheduler(BpfObject object, Fd link) {
        this.object = object;
        this.link = link;
    }

    /** Whether the running kernel has sched_ext (CONFIG_SCHED_CLASS_EXT). */
    public static boolean kernelSupports() { return Files.exists(SCX_DIR.resolve("state")); }

    /** The kernel's sched_ext state: "enabled", "disabled", "enabling", "disabling"; "" without sched_ext. */
    public static String kernelState() { return read(SCX_DIR.resolve("state")); }

    /** Name of the loaded root scheduler, "" if none. */
    public static String loadedOps() { return read(SCX_DIR.resolve("root/ops")); }

    /**
     * start loads and registers the scheduler. It uses the decision map pinned at decisionsPin, or
     * pins its own there if none is. Nothing stays loaded if it fails.
     *
     * @throws SchedExtException without sched_ext, when another scheduler is loaded, or when the kernel
     *                           refuses the scheduler (with the verifier's or libbpf's words)
     */
    public static SchedExtScheduler start(Path objectFile, Path decisionsPin) {
        if (!kernelSupports())
            throw new SchedExtException("this kernel has no sched_ext (CONFIG_SCHED_CLASS_EXT is not set)");
        String state = kernelState();
        if (!state.equals("disabled"))
            throw new SchedExtException("another sched_ext scheduler is loaded (" + loadedOps() + ", state " + state
                    + "): only one can run per node");
        BpfObject obj = BpfObject.open(objectFile);
        try {
            boolean reuse = Files.exists(decisionsPin);
            if (reuse) {
                try (Fd fd = Bpf.open(decisionsPin)) {
                    obj.reuseMap(DECISIONS_MAP, fd);
                }
            }
            StructOps.useLink(obj, OPS_MAP);
            try {
                obj.load();
            } catch (BpfLoadException e) {
                throw new SchedExtException("the kernel refused the sched_ext scheduler: " + why(e)
                        + (e.verifierLog().isEmpty() ? "" : "\n" + e.verifierLog()), e);
            }
            if (!reuse) {
                Bpffs.mkdirs(decisionsPin.getParent());
                try (BpfMap map = obj.map(DECISIONS_MAP)) {
                    Bpf.pin(map.fd(), decisionsPin);
                }
            }
            Fd link;
            try {
                link = StructOps.attach(obj, OPS_MAP);
            } catch (RuntimeException e) {
                throw new SchedExtException("registering the sched_ext scheduler failed: " + e.getMessage(), e);
            }
            SchedExtScheduler scheduler = new SchedExtScheduler(obj, link);
            scheduler.awaitEnabled();
            return scheduler;
        } catch (RuntimeException e) {
            obj.close();
            throw e;
        }
    }

    /** The kernel enables a scheduler asynchronously: wait (bounded) until it says so, or it refused it. */
    private void awaitEnabled() {
        long deadline = System.nanoTime() + ENABLE_TIMEOUT_NS;
        String state;
        while (!(state = kernelState()).equals("enabled")) {
            if (System.nanoTime() > deadline || state.equals("disabled") && !loadedOps().equals(OPS_NAME)) {
                link.close();
                throw new SchedExtException("the kernel did not enable the sched_ext scheduler (state " + state
                        + "); its log says why");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchedExtException("interrupted while the sched_ext scheduler was being enabled");
            }
        }
    }

    /** The decision map (a descriptor the caller owns). */
    public BpfMap decisions() { return object.map(DECISIONS_MAP); }

    /** Threads dispatched so far: to their decided CPU, to the global queue, decided CPU not allowed. */
    public Stats stats() {
        try (BpfMap map = object.map(STATS_MAP)) {
            return new Stats(map.lookupU64Sum(0), map.lookupU64Sum(1), map.lookupU64Sum(2));
        }
    }

    public record Stats(long onDecidedCpu, long global, long notAllowed) {}

    /** Whether the kernel still runs this scheduler (it unloads it on an error or a stall). */
    public boolean running() { return link != null && kernelState().equals("enabled") && loadedOps().equals(OPS_NAME); }

    /** close unregisters the scheduler: every SCHED_EXT thread goes back to the fair class. */
    @Override
    public void close() {
        if (link != null) {
            link.close();
            link = null;
        }
        object.close();
    }

    /** libbpf's last complaint before "failed to load object" (e.g. a kfunc this kernel lacks). */
    private static String why(BpfLoadException e) {
        return e.libbpfOutput().lines().map(l -> l.replaceFirst("^libbpf: ", "").strip())
                .filter(l -> !l.isEmpty() && !l.startsWith("failed to load object"))
                .reduce((a, b) -> b).orElse(e.getMessage());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
