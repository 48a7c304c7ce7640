package dev.syrup.node;

import dev.syrup.bpf.Fd;
import dev.syrup.deploy.Deployment;
import dev.syrup.deploy.TargetState;
import dev.syrup.error.DomainException;
import dev.syrup.hook.DecisionStats;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.ThreadTarget;
import dev.syrup.hook.thread.ThreadStats;
import dev.syrup.node.DeploymentRecord.Owner;
import dev.syrup.node.DeploymentRecord.PodBinding;
import dev.syrup.policy.PolicySource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The node's deployments and who owns them: the one place that deploys, replaces and removes
 * policies and keeps the records that let a restarted agent adopt them. syrupd's request handlers,
 * the Kubernetes agent and the start-up repair all go through it. Failures are
 * {@link dev.syrup.error.DomainException}s (not-found for an unknown id or map).
 */
public interface DeploymentService {
    /** A deployment, its owner and, for one the agent made for a pod, why it exists. */
    record Entry(Deployment deployment, Owner owner, PodBinding binding) {
        public String id() { return deployment.id(); }
    }

    /**
     * deploy compiles, loads and attaches policy at targets for owner. prepare runs with the new
     * deployment's id after it is attached and before it is recorded (initial map entries); if it
     * fails the deployment is removed and the failure rethrown.
     */
    Entry deploy(PolicySource policy, List<HookTarget> targets, Owner owner, PodBinding binding, Consumer<String> prepare);

    /** replace swaps the deployment's policy atomically; binding null keeps the recorded one. */
    Entry replace(String id, PolicySource policy, PodBinding binding);

    /** remove detaches the deployment and forgets it; false if there was no such deployment. */
    boolean remove(String id);

    Optional<Entry> get(String id);

    /** Every deployment, without waiting for a change in progress. */
    List<Entry> list();

    /** Whether the deployment's target steers now (socket-select targets; empty for the others). */
    default Optional<TargetState> state(String id, HookTarget target) { return Optional.empty(); }

    /** Decisions the deployment's program at target has made. */
    DecisionStats stats(String id, HookTarget target);

    /** What the thread backend did for the deployment. */
    ThreadStats threadStats(String id);

    /** The thread backend's name ("affinity", "sched_ext"); empty if this node takes no thread policies. */
    Optional<String> threadBackend();

    // The maps the deployment's policy declared (keys and values as raw bytes).

    Optional<byte[]> mapLookup(String id, String map, byte[] key);

    void mapUpdate(String id, String map, byte[] key, byte[] value);

    boolean mapDelete(String id, String map, byte[] key);

    MapContents mapDump(String id, String map);

    MapShape mapShape(String id, String map);

    /** Where the map is pinned, for an application that maps it into memory. */
    String mapPin(String id, String map);

    /**
     * A map's key and value sizes; a per-CPU map's value as lookups return and updates take it is
     * valueBytes long, one 8-byte aligned slot per possible CPU.
     */
    record MapShape(int keySize, int valueSize, boolean perCpu, int valueBytes) {}

    /** A map's entries and shape. */
    record MapContents(MapShape shape, List<KeyValue> entries) {}

    record KeyValue(byte[] key, byte[] value) {}

    // Registered threads (deployments of registered threads only).

    /** The deployment's thread target; it must schedule registered threads only. */
    ThreadTarget registeredThreadTarget(String id);

    /** registerThreads adds threads (tid -> tgid), all or none; returns how many are registered now. */
    int registerThreads(String id, Map<Integer, Integer> threads);

    /** unregisterThreads returns threads to their original scheduling; returns how many remain. */
    int unregisterThreads(String id, Collection<Integer> tids);

    /** How many threads are registered with the deployment's thread target. */
    int registeredThreads(String id, ThreadTarget target);

    // AF_XDP sockets the application registers (xdp-socket deployments).

    /**
     * registerSockets makes sockets the executors of the deployment's xdp-socket target, in place of
     * those it had, all or none; the caller keeps and closes its descriptors.
     */
    default void registerSockets(String id, List<Fd> sockets) {
        throw DomainException.invalid("this node takes no AF_XDP socket registrations");
    }
}
