package dev.syrup.hook.thread;

import dev.syrup.error.DomainException;
import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Bpffs;
import dev.syrup.hook.PinLayout;
import dev.syrup.hook.Attacher;
import dev.syrup.hook.DecisionStats;
import dev.syrup.hook.Executors;
import dev.syrup.hook.HookConfig;
import dev.syrup.hook.ThreadTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Attaches a thread policy (native/bpf/thread_policy.bpf.c): writes the cgroup filter, pins the
 * hook's maps in the target's directory and its tracepoint links beside them. Unpinning the links
 * detaches the programs.
 * <pre>
 * TARGET/prog         the sched_switch program (its id identifies the deployment's programs)
 * TARGET/link_NAME    one link per tracepoint program
 * TARGET/stats        decision counters, as at every hook
 * TARGET/filter       struct syrup_thread_filter: the cgroup, and whether only registered tids count
 * TARGET/tids         registered threads (tid -> the tgid of its process)
 * TARGET/events       ring buffer of changed decisions (struct syrup_thread_event)
 * ROOT/threads/thread_cpu   tid -> CPU of every thread deployment (one map for the node)
 * </pre>
 */
public final class ThreadAttacher implements Attacher<ThreadTarget> {
    /** The tracepoint programs of the wrapper. */
    public static final List<String> PROGRAMS = List.of(
            "syrup_thread_switch", "syrup_thread_wakeup", "syrup_thread_wakeup_new", "syrup_thread_exit");
    public static final String FILTER_MAP = "syrup_thread_filter";
    public static final String TIDS_MAP = "syrup_thread_tids";
    public static final String EVENTS_MAP = "syrup_thread_events";
    public static final String CPU_MAP = "syrup_thread_cpu";
    /** Pin names in the target directory. */
    public static final String FILTER_PIN = "filter";
    public static final String TIDS_PIN = "tids";
    public static final String EVENTS_PIN = "events";
    static final String PROG_PIN = "prog";

    private final PinLayout layout;
    private final ThreadBackend backend;

    /** backend enforces the decisions of the programs this attaches. */
    public ThreadAttacher(PinLayout layout, ThreadBackend backend) {
        this.layout = layout;
        this.backend = backend;
    }

    /** The directory a deployment's thread target has (ThreadTarget.key()). */
    private static final String THREAD_KEY = "thread";

    /** Where the node-wide tid -> CPU map is pinned. */
    public static Path cpuMapPin(PinLayout layout) { return layout.root().resolve("threads").resolve("thread_cpu"); }

    @Override
    public Executors resolve(ThreadTarget target) {
        int possible = Bpf.possibleCpuCount();
        for (int cpu : target.cpus()) {
            if (cpu < 0 || cpu >= possible) {
                throw DomainException.invalid("CPU " + cpu + " does not exist (this machine has CPUs 0-"
                        + (possible - 1) + ")");
            }
        }
        if (target.cpus().size() > HookConfig.MAX_EXECUTORS) {
            throw DomainException.invalid(target.cpus().size() + " CPUs; at most " + HookConfig.MAX_EXECUTORS
                    + " are supported");
        }
        return Executors.ofCpus(target.cpus());
    }

    @Override
    public HookConfig config(ThreadTarget target, Executors executors) {
        return new HookConfig(target.hook(), target.cpus().size(), target.cpus());
    }

    /**
     * Maps a program loaded for target must share, by object map name: the node-wide tid -> CPU map
     * (once it exists) and, for a replacement, the running program's maps.
     */
    @Override
    public Map<String, Path> sharedMaps(String id, ThreadTarget target, boolean replacing) {
        Path targetDir = layout.target(id, target);
        Map<String, Path> maps = new LinkedHashMap<>();
        if (Files.exists(cpuMapPin(layout))) {
            maps.put(CPU_MAP, cpuMapPin(layout));
        }
        if (replacing) {
            if (DecisionStats.shareable(targetDir.resolve(DecisionStats.PIN))) {
                maps.put(DecisionStats.MAP, targetDir.resolve(DecisionStats.PIN));
            }
            maps.put(FILTER_MAP, targetDir.resolve(FILTER_PIN));
            maps.put(TIDS_MAP, targetDir.resolve(TIDS_PIN));
            maps.put(EVENTS_MAP, targetDir.resolve(EVENTS_PIN));
        }
        return maps;
    }

    /**
     * attach makes policy schedule target's threads and starts the backend on its decisions. On
     * failure nothing of it stays attached.
     */
    @Override
    public void attach(String id, ThreadTarget target, BpfObject policy, Executors executors) {
        Path targetDir = layout.target(id, target);
        Bpffs.mkdirs(targetDir);
        try {
            try (BpfMap filter = policy.map(FILTER_MAP)) {
                filter.update(BpfMap.u32(0), filter(target, target.registeredOnly()));
            }
            pinMap(policy, DecisionStats.MAP, targetDir.resolve(DecisionStats.PIN));
            pinMap(policy, FILTER_MAP, targetDir.resolve(FILTER_PIN));
            pinMap(policy, TIDS_MAP, targetDir.resolve(TIDS_PIN));
            pinMap(policy, EVENTS_MAP, targetDir.resolve(EVENTS_PIN));
            Path cpuPin = cpuMapPin(layout);
            if (!Files.exists(cpuPin)) {
                Bpffs.mkdirs(cpuPin.getParent());
                pinMap(policy, CPU_MAP, cpuPin);
            }
            try (Fd prog = policy.program(PROGRAMS.get(0))) {
                Bpf.pin(prog, targetDir.resolve(PROG_PIN));
            }
            for (String p : PROGRAMS) {
                try (Fd link = policy.attach(p)) {
                    Bpf.pin(link, targetDir.resolve(linkPin(p)));
                }
            }
        } catch (RuntimeException e) {
            unpin(targetDir);
            throw e;
        }
        try {
            backend.start(id, target, targetDir);
        } catch (RuntimeException e) {
            detach(id, target);
            throw e;
        }
    }

    /**
     * swap attaches a replacement's programs and then unpins the running ones' links: for a moment
     * both run (on the same maps), and no event goes unhandled.
     */
    @Override
    public void swap(String id, ThreadTarget target, BpfObject policy) {
        Path targetDir = layout.target(id, target);
        for (String p : PROGRAMS) {
            try (Fd link = policy.attach(p)) {
                Bpffs.replacePin(link, targetDir.resolve(linkPin(p)));
            }
        }
        try (Fd prog = policy.program(PROGRAMS.get(0))) {
            Bpffs.replacePin(prog, targetDir.resolve(PROG_PIN));
        }
        DecisionStats.repin(policy, targetDir);
    }

    /**
     * detach unpins the links (which detaches the programs) and every map of the target, then has the
     * backend put the threads back: after the programs are gone, so no decision comes after the restore.
     */
    @Override
    public void detach(String id, ThreadTarget target) {
        unpin(layout.target(id, target));
        backend.stop(id);
        unpinCpuMapWhenUnused();
    }

    @Override
    public void adopt(String id, ThreadTarget target) {
        backend.adopt(id, target, layout.target(id, target));
    }

    @Override
    public void discard(String id, ThreadTarget target) {
        unpin(layout.target(id, target));
        backend.discard(id);
        unpinCpuMapWhenUnused();
    }

    /**
     * The node-wide tid -> CPU map outlives one thread deployment but not the last: with none left its
     * pin goes too, so a node whose thread policies are all deleted holds nothing of Syrup. The next
     * thread deployment creates and pins a new one.
     */
    private void unpinCpuMapWhenUnused() {
        try (var deployments = Files.list(layout.deployments())) {
            if (deployments.anyMatch(d -> Files.exists(d.resolve(THREAD_KEY)))) {
                return;
            }
        } catch (NoSuchFileException none) {
            // no deployment at all
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Bpffs.removeTree(cpuMapPin(layout));
    }

    private static void unpin(Path targetDir) {
        for (String p : PROGRAMS) {
            Bpffs.removeTree(targetDir.resolve(linkPin(p)));
        }
        Bpffs.removeTree(targetDir);
    }

    @Override
    public boolean complete(String id, ThreadTarget target) {
        Path targetDir = layout.target(id, target);
        return Files.exists(targetDir.resolve(PROG_PIN)) && Files.exists(targetDir.resolve(EVENTS_PIN))
                && PROGRAMS.stream().allMatch(p -> Files.exists(targetDir.resolve(linkPin(p))));
    }

    /** At most this many registered threads per deployment (SYRUP_THREAD_MAX_REGISTERED). */
    public static final int MAX_REGISTERED = 4096;
    private static final int E2BIG = 7;

    /**
     * register adds threads (tid -> tgid of their process) to the target's registered threads, all
     * or none; it returns how many are registered now.
     */
    public static int register(Path targetDir, Map<Integer, Integer> threads) {
        try (BpfMap tids = new BpfMap(Bpf.open(targetDir.resolve(TIDS_PIN)))) {
            List<Integer> added = new java.util.ArrayList<>();
            try {
                for (Map.Entry<Integer, Integer> t : threads.entrySet()) {
                    if (tids.lookup(BpfMap.u32(t.getKey())).isEmpty()) {
                        added.add(t.getKey());
                    }
                    tids.update(BpfMap.u32(t.getKey()), BpfMap.u32(t.getValue()));
                }
            } catch (dev.syrup.bpf.BpfException e) {
                added.forEach(tid -> tids.delete(BpfMap.u32(tid)));
                if (e.errno() == E2BIG) {
                    throw DomainException.invalid("a deployment has at most " + MAX_REGISTERED + " registered threads");
                }
                throw e;
            }
            return tids.keys().size();
        }
    }

    /** unregister removes tid from the target's registered threads; false if it was not registered. */
    public static boolean unregister(Path targetDir, int tid) {
        try (BpfMap tids = new BpfMap(Bpf.open(targetDir.resolve(TIDS_PIN)))) {
            return tids.delete(BpfMap.u32(tid));
        }
    }

    /** The number of threads registered with the target. */
    public static int registeredCount(Path targetDir) {
        try (BpfMap tids = new BpfMap(Bpf.open(targetDir.resolve(TIDS_PIN)))) {
            return tids.keys().size();
        }
    }

    static String linkPin(String program) { return "link_" + program.substring("syrup_thread_".length()); }

    /** struct syrup_thread_filter in native/bpf/syrup_thread.h. */
    private static byte[] filter(ThreadTarget target, boolean tidsOnly) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                .putLong(target.cgroup().id()).putInt(target.cgroup().level()).putInt(tidsOnly ? 1 : 0).array();
    }

    private static void pinMap(BpfObject policy, String name, Path pin) {
        try (BpfMap map = policy.map(name)) {
            Bpf.pin(map.fd(), pin);
        }
    }
}
