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
 * maps in the target's directory and route the target's inputs to it. Each hook supplies how
 * executors are resolved and how a program is routed (a root dispatcher, or the socket group).
 */
public abstract class NetworkAttacher<T extends NetworkTarget> implements Attacher<T> {
    static final String PROG_PIN = "prog";

    protected final PinLayout layout;

    protected NetworkAttacher(PinLayout layout) { this.layout = layout; }

    /** Maps of the hook object holding executors: object map name -> pin name. */
    protected abstract Map<String, String> executorMaps();

    /** fillExecutors writes the executors into the freshly loaded object's maps. */
    protected abstract void fillExecutors(BpfObject policy, Executors executors);

    /** route makes prog schedule target's inputs. */
    protected abstract void route(T target, Executors executors, Fd prog);

    /** reroute puts prog in place of the program target's inputs go to, atomically for every input. */
    protected abstract void reroute(T target, Fd prog);

    /**
     * unroute returns target's inputs to the kernel default if they still go to the program with id
     * progId, so detaching leftovers never cuts another deployment's route.
     */
    protected abstract void unroute(T target, int progId);

    /** releaseExecutors lets go of the executors held in the target's pinned maps, before they are unpinned. */
    protected void releaseExecutors(Path targetDir) {}

    @Override
    public HookConfig config(T target, Executors executors) {
        return HookConfig.of(target, executors.count(), executors.cpus());
    }

    /** A new program shares nothing; a replacement shares the running one's counters and executor maps. */
    @Override
    public Map<String, Path> sharedMaps(String id, T target, boolean replacing) {
        if (!replacing) {
            return Map.of();
        }
        Path targetDir = layout.target(id, target);
        Map<String, Path> maps = new LinkedHashMap<>();
        if (DecisionStats.shareable(targetDir.resolve(DecisionStats.PIN))) {
            maps.put(DecisionStats.MAP, targetDir.resolve(DecisionStats.PIN));
        }
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
            route(target, executors, prog);
        } catch (RuntimeException e) {
            detach(id, target);
            throw e;
        }
    }

    /** swap routes target's inputs to a replacement program, atomically for every input. */
    @Override
    public void swap(String id, T target, BpfObject policy) {
        Path targetDir = layout.target(id, target);
        try (Fd prog = policy.program(target.hook().programName())) {
            reroute(target, prog);
            Bpffs.replacePin(prog, targetDir.resolve(PROG_PIN));
            DecisionStats.repin(policy, targetDir);
        }
    }

    /** detach returns target's traffic to the kernel default (if it still goes to this target) and unpins everything of it. */
    @Override
    public void detach(String id, T target) {
        Path targetDir = layout.target(id, target);
        Path prog = targetDir.resolve(PROG_PIN);
        if (Files.exists(prog)) {
            try (Fd fd = Bpf.open(prog)) {
                unroute(target, Bpf.programInfo(fd).id());
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
