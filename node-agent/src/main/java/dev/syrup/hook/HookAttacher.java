package dev.syrup.hook;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Bpffs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Attaches a loaded policy program at one hook. The shared part: pin the program, its decision
 * counters and executor maps in the target's directory and route the port to it through the root
 * dispatcher. Each hook supplies how executors are resolved and how its dispatcher is attached.
 */
public abstract class HookAttacher<T extends NetworkTarget> {
    /** Decision counters of a hook program: executors, then pass, drop, fallback. */
    public static final String STATS_MAP = "syrup_stats";
    static final String PROG_PIN = "prog";
    static final String STATS_PIN = "stats";

    protected final PinLayout layout;

    protected HookAttacher(PinLayout layout) { this.layout = layout; }

    /** resolve finds the target's executors; the caller closes them after attach. */
    public abstract Executors resolve(T target);

    /** Maps of the hook object holding executors: object map name -> pin name. */
    protected abstract Map<String, String> executorMaps();

    /** fillExecutors writes the executors into the freshly loaded object's maps. */
    protected abstract void fillExecutors(BpfObject policy, Executors executors);

    /** dispatcher opens (or loads and attaches) the root dispatcher serving target. */
    protected abstract Dispatcher dispatcher(T target, Executors executors);

    /** release undoes dispatcher(): detaches it from what only target used. */
    protected abstract void release(T target, Dispatcher dispatcher);

    /** releaseExecutors lets go of the executors held in the target's pinned maps, before they are unpinned. */
    protected void releaseExecutors(Path targetDir) {}

    /** Pin path of the dispatcher serving target. */
    protected abstract Path dispatcherDir(T target);

    public HookConfig config(T target, Executors executors) {
        return new HookConfig(target.hook(), executors.count(), executors.cpus());
    }

    /** Maps a replacement program must share with the running one: object map name -> pin path. */
    public Map<String, Path> sharedMaps(Path targetDir) {
        Map<String, Path> maps = new LinkedHashMap<>();
        maps.put(STATS_MAP, targetDir.resolve(STATS_PIN));
        executorMaps().forEach((name, pin) -> maps.put(name, targetDir.resolve(pin)));
        return maps;
    }

    /** attach makes policy steer target's traffic. On failure nothing of it stays attached. */
    public void attach(BpfObject policy, T target, Executors executors, Path targetDir) {
        fillExecutors(policy, executors);
        Bpffs.mkdirs(targetDir);
        try (Fd prog = policy.program(target.hook().programName());
             BpfMap stats = policy.map(STATS_MAP)) {
            Bpf.pin(stats.fd(), targetDir.resolve(STATS_PIN));
            for (Map.Entry<String, String> m : executorMaps().entrySet()) {
                try (BpfMap map = policy.map(m.getKey())) {
                    Bpf.pin(map.fd(), targetDir.resolve(m.getValue()));
                }
            }
            Bpf.pin(prog, targetDir.resolve(PROG_PIN));
            try (Dispatcher d = dispatcher(target, executors)) {
                d.route(target.port(), prog);
            }
        } catch (RuntimeException e) {
            detach(target, targetDir);
            throw e;
        }
    }

    /** swap routes target's port to a replacement program, atomically for every packet. */
    public void swap(BpfObject policy, T target, Path targetDir) {
        try (Fd prog = policy.program(target.hook().programName());
             Dispatcher d = Dispatcher.open(dispatcherDir(target))) {
            d.route(target.port(), prog);
            Bpffs.replacePin(prog, targetDir.resolve(PROG_PIN));
        }
    }

    /**
     * detach returns target's traffic to the kernel default and unpins everything of it. The port is
     * unrouted only if it still goes to this target's program, so detaching leftovers never cuts
     * another deployment's route.
     */
    public void detach(T target, Path targetDir) {
        Path dir = dispatcherDir(target);
        Path prog = targetDir.resolve(PROG_PIN);
        if (Files.exists(prog) && Files.exists(dir.resolve("prog"))) {
            int id;
            try (Fd fd = Bpf.open(prog)) {
                id = Bpf.programInfo(fd).id();
            }
            try (Dispatcher d = Dispatcher.open(dir)) {
                if (d.unroute(target.port(), id)) {
                    release(target, d);
                }
            }
        }
        releaseExecutors(targetDir);
        Bpffs.removeTree(targetDir);
    }

    /** Decisions per executor and special outcome, summed over CPUs. */
    public static DecisionStats stats(Path targetDir, int executors) {
        try (BpfMap map = new BpfMap(Bpf.open(targetDir.resolve(STATS_PIN)))) {
            long[] perExecutor = new long[executors];
            for (int i = 0; i < executors; i++) {
                perExecutor[i] = map.lookupU64Sum(i);
            }
            int base = HookConfig.MAX_EXECUTORS;
            return new DecisionStats(perExecutor, map.lookupU64Sum(base), map.lookupU64Sum(base + 1),
                    map.lookupU64Sum(base + 2));
        }
    }

    static List<Integer> allCpus() {
        return java.util.stream.IntStream.range(0, Bpf.possibleCpuCount()).boxed().toList();
    }
}
