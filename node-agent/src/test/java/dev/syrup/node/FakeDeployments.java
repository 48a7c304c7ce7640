package dev.syrup.node;

import dev.syrup.deploy.Deployment;
import dev.syrup.error.DomainException;
import dev.syrup.hook.DecisionStats;
import dev.syrup.hook.HookConfig;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.ThreadTarget;
import dev.syrup.hook.thread.ThreadStats;
import dev.syrup.node.DeploymentRecord.Owner;
import dev.syrup.node.DeploymentRecord.PodBinding;
import dev.syrup.policy.PolicySource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Deployments kept in memory, for unit tests of the classes that drive a {@link DeploymentService}
 * (syrupd's request handlers, the agent's reconciler) without a kernel. Each deployed policy gets
 * the maps named in {@link #declareMap}; failures to inject go in {@link #failNextDeploy}. The same
 * paths run against {@link NodeDeployments} in the privileged tests.
 */
public final class FakeDeployments implements DeploymentService {
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, Map<String, byte[]>> maps = new LinkedHashMap<>();
    private final Map<String, MapShape> declared = new LinkedHashMap<>();
    private final List<String> calls = new ArrayList<>();
    private RuntimeException nextFailure;
    private int nextId = 1;

    /** Every deployment made from now on declares this map. */
    public FakeDeployments declareMap(String name, MapShape shape) {
        declared.put(name, shape);
        return this;
    }

    /** The next deploy or replace throws e, changing nothing. */
    public void failNextDeploy(RuntimeException e) { nextFailure = e; }

    /** What was called, in order: "deploy ID", "replace ID", "remove ID". */
    public List<String> calls() { return List.copyOf(calls); }

    @Override
    public Entry deploy(PolicySource policy, List<HookTarget> targets, Owner owner, PodBinding binding,
                        Consumer<String> prepare) {
        throwInjected();
        String id = String.format("%08x", nextId++);
        Map<String, HookConfig> configs = new LinkedHashMap<>();
        targets.forEach(t -> configs.put(t.key(), new HookConfig(t.hook(), 4, List.of())));
        Entry e = new Entry(new Deployment(id, policy.name(), policy.sha256(), targets, configs), owner, binding);
        entries.put(id, e);
        declared.keySet().forEach(m -> maps.put(id + "/" + m, new LinkedHashMap<>()));
        try {
            prepare.accept(id);
        } catch (RuntimeException ex) {
            remove(id);
            calls.add("rolled back " + id);
            throw ex;
        }
        calls.add("deploy " + id);
        return e;
    }

    @Override
    public Entry replace(String id, PolicySource policy, PodBinding binding) {
        Entry old = require(id);
        throwInjected();
        Entry e = new Entry(old.deployment().withPolicy(policy.name(), policy.sha256()), old.owner(),
                binding != null ? binding : old.binding());
        entries.put(id, e);
        calls.add("replace " + id);
        return e;
    }

    @Override
    public boolean remove(String id) {
        boolean known = entries.remove(id) != null;
        maps.keySet().removeIf(k -> k.startsWith(id + "/"));
        calls.add("remove " + id);
        return known;
    }

    @Override
    public Optional<Entry> get(String id) { return Optional.ofNullable(entries.get(id)); }

    @Override
    public List<Entry> list() { return List.copyOf(entries.values()); }

    @Override
    public DecisionStats stats(String id, HookTarget target) {
        require(id);
        return new DecisionStats(new long[require(id).deployment().config(target).executors()], 0, 0, 0);
    }

    @Override
    public ThreadStats threadStats(String id) { throw new UnsupportedOperationException("no thread backend here"); }

    @Override
    public Optional<String> threadBackend() { return Optional.empty(); }

    @Override
    public Optional<byte[]> mapLookup(String id, String map, byte[] key) {
        return Optional.ofNullable(map(id, map).get(HexFormat.of().formatHex(key)));
    }

    @Override
    public void mapUpdate(String id, String map, byte[] key, byte[] value) {
        MapShape shape = mapShape(id, map);
        if (key.length != shape.keySize() || value.length != shape.valueBytes()) {
            throw DomainException.invalid("key or value of the wrong size");
        }
        map(id, map).put(HexFormat.of().formatHex(key), value.clone());
    }

    @Override
    public boolean mapDelete(String id, String map, byte[] key) {
        return map(id, map).remove(HexFormat.of().formatHex(key)) != null;
    }

    @Override
    public MapContents mapDump(String id, String map) {
        List<KeyValue> out = new ArrayList<>();
        map(id, map).forEach((k, v) -> out.add(new KeyValue(HexFormat.of().parseHex(k), v)));
        return new MapContents(mapShape(id, map), out);
    }

    @Override
    public MapShape mapShape(String id, String map) {
        map(id, map);
        return declared.get(map);
    }

    @Override
    public String mapPin(String id, String map) {
        map(id, map);
        return "/fake/" + id + "/" + map;
    }

    @Override
    public ThreadTarget registeredThreadTarget(String id) {
        throw DomainException.invalid("deployment " + id + " has no thread target");
    }

    @Override
    public int registerThreads(String id, Map<Integer, Integer> threads) { throw new UnsupportedOperationException(); }

    @Override
    public int unregisterThreads(String id, Collection<Integer> tids) { throw new UnsupportedOperationException(); }

    @Override
    public int registeredThreads(String id, ThreadTarget target) { return 0; }

    private Map<String, byte[]> map(String id, String map) {
        require(id);
        Map<String, byte[]> m = maps.get(id + "/" + map);
        if (m == null) {
            throw DomainException.notFound("deployment " + id + " has no map named '" + map + "'");
        }
        return m;
    }

    private Entry require(String id) {
        Entry e = entries.get(id);
        if (e == null) {
            throw DomainException.notFound("no deployment with id " + id);
        }
        return e;
    }

    private void throwInjected() {
        RuntimeException e = nextFailure;
        nextFailure = null;
        if (e != null) {
            throw e;
        }
    }
}
