package dev.syrup.node;

import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.Fd;
import dev.syrup.deploy.Deployer;
import dev.syrup.deploy.Deployment;
import dev.syrup.deploy.ExecutorFollower;
import dev.syrup.deploy.SocketScope;
import dev.syrup.deploy.TargetState;
import dev.syrup.error.DomainException;
import dev.syrup.hook.DecisionStats;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.PinLayout;
import dev.syrup.hook.ThreadTarget;
import dev.syrup.hook.thread.ThreadBackend;
import dev.syrup.hook.thread.ThreadStats;
import dev.syrup.node.DeploymentRecord.Owner;
import dev.syrup.node.DeploymentRecord.PodBinding;
import dev.syrup.policy.PolicySource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The node's deployments on the real kernel: the deployer does the work, a record on disk beside
 * the pins says who owns each deployment and why it exists, so that a restarted agent adopts it.
 */
public final class NodeDeployments implements DeploymentService, AutoCloseable {
    private final Deployer deployer;
    private final RecordStore store;
    /** Keeps socket-select deployments on the application's live sockets; null: they stay on the first ones. */
    private final ExecutorFollower follower;
    /** The record of every deployment, by id: the owner and binding of each, in memory. */
    private final Map<String, DeploymentRecord> records = new ConcurrentHashMap<>();
    private final List<String> repaired;

    private NodeDeployments(Deployer deployer, RecordStore store, ExecutorFollower follower) {
        this.deployer = deployer;
        this.store = store;
        this.follower = follower;
        this.repaired = List.copyOf(new StartupRepair(deployer, store, deployer.layout()).repair(records));
        if (follower != null) {
            list().forEach(e -> track(e.deployment(), e.owner()));
        }
    }

    /**
     * open adopts what an earlier agent left pinned and recorded under stateDir, and repairs what
     * does not agree (see {@link StartupRepair}). Deployments stay on the sockets they were made on.
     */
    public static NodeDeployments open(Deployer deployer, Path stateDir) {
        return new NodeDeployments(deployer, new RecordStore(stateDir), null);
    }

    /** open, and follower keeps socket-select deployments on their application's live sockets. */
    public static NodeDeployments open(Deployer deployer, Path stateDir, ExecutorFollower follower) {
        return new NodeDeployments(deployer, new RecordStore(stateDir), follower);
    }

    /** What the start-up repair found and fixed. */
    public List<String> repaired() { return repaired; }

    public PinLayout layout() { return deployer.layout(); }

    @Override
    public Entry deploy(PolicySource policy, List<HookTarget> targets, Owner owner, PodBinding binding,
                        Consumer<String> prepare) {
        Deployment d = deployer.deploy(policy, targets);
        try {
            prepare.accept(d.id());
        } catch (RuntimeException e) {
            deployer.remove(d.id());
            throw e;
        }
        DeploymentRecord r = DeploymentRecord.of(d, owner, binding);
        store.save(r);
        records.put(d.id(), r);
        if (follower != null) {
            track(d, owner);
        }
        return new Entry(d, owner, binding);
    }

    /** A pod's deployment takes the sockets of the pod's processes, whichever container holds them now. */
    private void track(Deployment d, Owner owner) {
        if (owner.pod() != null) {
            follower.track(d, SocketScope.ofPod(owner.cgroup()));
        } else {
            follower.track(d, owner.uid());
        }
    }

    @Override
    public Entry replace(String id, PolicySource policy, PodBinding binding) {
        DeploymentRecord old = require(id);
        Deployment d = deployer.replace(id, policy);
        DeploymentRecord r = old.withPolicy(d, binding != null ? binding : old.binding());
        store.save(r);
        records.put(id, r);
        return new Entry(d, r.owner(), r.binding());
    }

    @Override
    public boolean remove(String id) {
        boolean known = records.remove(id) != null;
        if (follower != null) {
            follower.forget(id);
        }
        try {
            if (deployer.get(id).isPresent()) {
                deployer.remove(id);
                known = true;
            }
        } finally {
            store.delete(id);
        }
        return known;
    }

    @Override
    public Optional<Entry> get(String id) {
        DeploymentRecord r = records.get(id);
        return r == null ? Optional.empty() : deployer.get(id).map(d -> new Entry(d, r.owner(), r.binding()));
    }

    @Override
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        for (Deployment d : deployer.list()) {
            DeploymentRecord r = records.get(d.id());
            if (r != null) {
                out.add(new Entry(d, r.owner(), r.binding()));
            }
        }
        return out;
    }

    @Override
    public Optional<TargetState> state(String id, HookTarget target) {
        return follower == null ? Optional.empty() : follower.state(id, target);
    }

    /** onStateChange: listener is told when a followed target's state changes (never without a follower). */
    public void onStateChange(ExecutorFollower.StateListener listener) {
        if (follower != null) {
            follower.onStateChange(listener);
        }
    }

    /** close stops following the application's sockets (what is attached stays attached). */
    @Override
    public void close() {
        if (follower != null) {
            follower.close();
        }
    }

    @Override
    public DecisionStats stats(String id, HookTarget target) { return deployer.stats(id, target); }

    @Override
    public ThreadStats threadStats(String id) { return deployer.threadStats(id); }

    @Override
    public Optional<String> threadBackend() { return deployer.threadBackend().map(ThreadBackend::name); }

    @Override
    public Optional<byte[]> mapLookup(String id, String map, byte[] key) {
        try (BpfMap m = deployer.openMap(id, map)) {
            return m.lookup(key);
        }
    }

    @Override
    public void mapUpdate(String id, String map, byte[] key, byte[] value) {
        try (BpfMap m = deployer.openMap(id, map)) {
            m.update(key, value);
        }
    }

    @Override
    public boolean mapDelete(String id, String map, byte[] key) {
        try (BpfMap m = deployer.openMap(id, map)) {
            return m.delete(key);
        }
    }

    @Override
    public MapContents mapDump(String id, String map) {
        try (BpfMap m = deployer.openMap(id, map)) {
            List<KeyValue> entries = new ArrayList<>();
            for (byte[] key : m.keys()) {
                m.lookup(key).ifPresent(v -> entries.add(new KeyValue(key, v)));
            }
            return new MapContents(shape(m), entries);
        }
    }

    @Override
    public MapShape mapShape(String id, String map) {
        try (BpfMap m = deployer.openMap(id, map)) {
            return shape(m);
        }
    }

    private static MapShape shape(BpfMap m) {
        return new MapShape(m.info().keySize(), m.info().valueSize(), m.isPerCpu(), m.valueBytes());
    }

    @Override
    public String mapPin(String id, String map) { return deployer.mapPin(id, map).toString(); }

    @Override
    public ThreadTarget registeredThreadTarget(String id) { return deployer.registeredThreadTarget(id); }

    @Override
    public int registerThreads(String id, Map<Integer, Integer> threads) { return deployer.registerThreads(id, threads); }

    @Override
    public int unregisterThreads(String id, Collection<Integer> tids) { return deployer.unregisterThreads(id, tids); }

    @Override
    public void registerSockets(String id, List<Fd> sockets) { deployer.registerSockets(id, sockets); }

    @Override
    public int registeredThreads(String id, ThreadTarget target) { return deployer.registeredThreads(id, target); }

    private DeploymentRecord require(String id) {
        DeploymentRecord r = records.get(id);
        if (r == null) {
            throw DomainException.notFound("no deployment with id " + id);
        }
        return r;
    }
}
