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
 * What the network hooks' attachers share: pin the program, its decision counters and executor
 * maps in the target's directory and route the port to it through the root dispatcher. Each hook
 * supplies how executors are resolved and how its dispatcher is attached.
 */
public abstract class NetworkAttacher<T extends NetworkTarget> implements Attacher<T> {
    static final String PROG_PIN = "prog";

    protected final PinLayout layout;

    protected NetworkAttacher(PinLayout layout) { this.layout = layout; }

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

    @Override
    public HookConfig config(T target, Executors executors) {
        return new HookConfig(target.hook(), executors.count(), executors.cpus());
    }

    /** A new program shares nothing; a replacement shares the running one's counters and executor maps. */
    @Override
    public Map<String, Path> sharedMaps(String id, T target, boolean replacing) {
        if (!replacing) {
            return Map.of();
        }
        Path targetDir = layout.target(id, target);
        Map<String, Path> maps = new LinkedHashMap<>();
        maps.put(DecisionStats.MAP, targetDir.resolve(DecisionStats.PIN));
        executorMaps().forEach((name, pin) -> maps.put(name, targetDir.resolve(pin)));
        return maps;
    }

    @Override
    public void attach(String id, T target, BpfObject policy, Executors executors) {
        Path targetDir = layout.target(id, target);
        fillExecutors(policy, executors);
        Bpffs.mkdirs(targetDir);
        try (Fd prog = policy.program(target.hook().programName());
             BpfMap stats = policy.map(DecisionStats.MAP)) {
            Bpf.pin(stats.fd(), targetDir.resolve(DecisionStats.PIN));
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
            detach(id, target);
            throw e;
        }
    }

    /** swap routes target's port to a replacement program, atomically for every packet. */
    @Override
    public void swap(String id, T target, BpfObject policy) {
        Path targetDir = layout.target(id, target);
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
    @Override
    public void detach(String id, T target) {
        Path targetDir = layout.target(id, target);
        Path dir = dispatcherDir(target);
        Path prog = targetDir.resolve(PROG_PIN);
        if (Files.exists(prog) && Files.exists(dir.resolve("prog"))) {
            int progId;
            try (Fd fd = Bpf.open(prog)) {
                progId = Bpf.programInfo(fd).id();
            }
            try (Dispatcher d = Dispatcher.open(dir)) {
                if (d.unroute(target.port(), progId)) {
                    release(target, d);
                }
            }
        }
        releaseExecutors(targetDir);
        Bpffs.removeTree(targetDir);
    }

    @Override
    public boolean complete(String id, T target) {
        return Files.exists(layout.target(id, target).resolve(PROG_PIN));
    }

    static List<Integer> allCpus() {
        return java.util.stream.IntStream.range(0, Bpf.possibleCpuCount()).boxed().toList();
    }
}
