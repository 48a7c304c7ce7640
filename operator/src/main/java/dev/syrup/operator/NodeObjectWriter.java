package dev.syrup.operator;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Brings a policy's SchedulingPolicyNode objects to the desired set with as few requests as possible: one
 * server-side apply per object that is missing or differs, one delete per object no longer wanted, nothing
 * for objects that are up to date. Never writes status (the agents own it) nor finalizers, except removing
 * the agent's finalizer from objects of nodes that no longer exist (no agent will come to remove it).
 *
 * The writes of one sync go out side by side on a fixed pool (syrup.operator.node-object-writes in flight, shared by
 * all policies) and sync returns once every one of them has finished. Each object is written at most once per sync
 * and a policy's reconciles never overlap, so the writes to one object stay in order.
 */
@ApplicationScoped
public class NodeObjectWriter {
    public static final String FIELD_MANAGER = "syrup-operator";
    private static final Logger LOG = Logger.getLogger(NodeObjectWriter.class);

    /** What a sync did: the objects now current, by node; the nodes whose object was created or deleted. */
    public record Outcome(Map<String, SchedulingPolicyNode> current, List<String> created, List<String> updated,
                          List<String> deleted) {}

    /** One finished write: the node, what was done (create, update, delete, or null: nothing issued), the object now. */
    private record Written(String node, String op, SchedulingPolicyNode object) {}

    private final KubernetesClient client;
    private final OperatorMetrics metrics;
    private final ExecutorService pool;
    /** namespace/name -> resourceVersion of the operator's last apply of that object. */
    private final Map<String, String> ownVersions = new ConcurrentHashMap<>();
    /**
     * uid -> when the operator deleted that object. A pass that runs before the informer has seen the
     * deletion still finds the object, not yet marked deleting, and would send its delete again.
     */
    private final Map<String, Long> deletedUids = new ConcurrentHashMap<>();
    private static final long DELETE_MEMORY_NANOS = TimeUnit.MINUTES.toNanos(5);

    public NodeObjectWriter(KubernetesClient client, OperatorMetrics metrics, OperatorConfig config) {
        this.client = client;
        this.metrics = metrics;
        this.pool = Executors.newFixedThreadPool(Math.max(1, config.nodeObjectWrites()), new WriterThreads());
    }

    /**
     * Whether a watch event shows the object as this operator's last write left it. The operator SDK filters the
     * events of its own writes too, but lets some through when writes go out side by side (an event that arrives
     * after the write's filtering window, once the informer has seen a later version in the namespace); each would
     * cost a reconcile of the policy.
     */
    public boolean isOwnWrite(SchedulingPolicyNode o) {
        String version = o.getMetadata().getResourceVersion();
        return version != null && ownVersions.remove(key(o), version);
    }

    /** The object is gone: no event of an earlier write of ours will matter. */
    public void forget(SchedulingPolicyNode o) {
        ownVersions.remove(key(o));
    }

    private static String key(SchedulingPolicyNode o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    @PreDestroy
    void close() {
        pool.shutdownNow();
    }

    /**
     * desired and existing are keyed by node name; nodeExists says whether a Node object of that name exists.
     * cache learns of our own writes, so the next reconcile does not see stale objects and the watch events of our
     * applies do not trigger one.
     */
    public Outcome sync(Map<String, SchedulingPolicyNode> desired, Map<String, SchedulingPolicyNode> existing,
                        Predicate<String> nodeExists, InformerEventSource<SchedulingPolicyNode, ?> cache) {
        Map<String, SchedulingPolicyNode> current = new HashMap<>();
        List<Callable<Written>> writes = new ArrayList<>();
        for (var e : desired.entrySet()) {
            SchedulingPolicyNode have = existing.get(e.getKey());
            if (have != null && NodeObjects.isDeleting(have)) {
                current.put(e.getKey(), have); // recreated once its agent has let it go
            } else if (have != null && NodeObjects.upToDate(have, e.getValue())) {
                current.put(e.getKey(), have);
            } else {
                writes.add(() -> applyAndCache(e.getKey(), e.getValue(), have, cache));
            }
        }
        for (var e : existing.entrySet()) {
            if (!desired.containsKey(e.getKey())) {
                boolean exists = nodeExists.test(e.getKey());
                writes.add(() -> new Written(e.getKey(), delete(e.getValue(), exists) ? "delete" : null, null));
            }
        }
        List<String> created = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        long start = System.nanoTime();
        List<Written> written = runAll(writes);
        if (!writes.isEmpty()) {
            LOG.debugf("%d node object writes in %d ms", writes.size(), (System.nanoTime() - start) / 1_000_000);
        }
        for (Written w : written) {
            if (w.object() != null) {
                current.put(w.node(), w.object());
            }
            if ("create".equals(w.op())) {
                created.add(w.node());
            } else if ("update".equals(w.op())) {
                updated.add(w.node());
            } else if ("delete".equals(w.op())) {
                deleted.add(w.node());
            }
        }
        return new Outcome(current, created, updated, deleted);
    }

    /**
     * Deletes the objects (delete below, side by side as sync does); returns the nodes whose object got a delete.
     */
    public List<String> deleteAll(List<SchedulingPolicyNode> objects, Predicate<String> nodeExists) {
        List<Callable<Written>> writes = new ArrayList<>();
        for (SchedulingPolicyNode o : objects) {
            String node = o.getSpec().getNodeName();
            boolean exists = nodeExists.test(node);
            writes.add(() -> new Written(node, delete(o, exists) ? "delete" : null, null));
        }
        return runAll(writes).stream().filter(w -> w.op() != null).map(Written::node).toList();
    }

    /**
     * Deletes the object unless it is already being deleted; if its node is gone, also takes the agent's
     * finalizer off. Returns whether a delete was issued.
     */
    private boolean delete(SchedulingPolicyNode o, boolean nodeExists) {
        boolean issued = false;
        if (!NodeObjects.isDeleting(o) && !deletedAlready(o)) {
            client.resource(o).delete();
            metrics.nodeObjectWrite("delete");
            remember(o);
            issued = true;
        }
        if (!nodeExists && NodeObjects.hasAgentFinalizer(o)) {
            releaseAgentFinalizer(o);
        }
        return issued;
    }

    private boolean deletedAlready(SchedulingPolicyNode o) {
        Long at = o.getMetadata().getUid() == null ? null : deletedUids.get(o.getMetadata().getUid());
        return at != null && System.nanoTime() - at < DELETE_MEMORY_NANOS;
    }

    private void remember(SchedulingPolicyNode o) {
        if (o.getMetadata().getUid() == null) {
            return;
        }
        long now = System.nanoTime();
        deletedUids.values().removeIf(at -> now - at >= DELETE_MEMORY_NANOS);
        deletedUids.put(o.getMetadata().getUid(), now);
    }

    private Written applyAndCache(String node, SchedulingPolicyNode want, SchedulingPolicyNode have,
                                  InformerEventSource<SchedulingPolicyNode, ?> cache) {
        // Cached for the next reconcile, and the watch event of this very write does not trigger one.
        SchedulingPolicyNode applied = cache.eventFilteringUpdateAndCacheResource(want, o -> {
            SchedulingPolicyNode result = client.resource(o).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
            ownVersions.put(key(result), result.getMetadata().getResourceVersion());
            return result;
        });
        if (have == null) {
            metrics.nodeObjectWrite("create");
            return new Written(node, "create", applied);
        }
        metrics.nodeObjectWrite("update");
        return new Written(node, "update", applied);
    }

    /**
     * Runs the writes on the pool and waits for all of them, also when some fail: a failed write fails the reconcile
     * (the operator SDK retries it) only once the others have landed in the cache, so the retry repeats only what
     * failed.
     */
    private List<Written> runAll(List<Callable<Written>> writes) {
        List<Future<Written>> futures = new ArrayList<>(writes.size());
        writes.forEach(w -> futures.add(pool.submit(w)));
        List<Written> done = new ArrayList<>(writes.size());
        RuntimeException failure = null;
        try {
            for (Future<Written> f : futures) {
                try {
                    done.add(f.get());
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                }
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing node objects", e);
        }
        if (failure != null) {
            LOG.debugf("%d of %d node object writes failed", writes.size() - done.size(), writes.size());
            throw failure;
        }
        return done;
    }

    /** JSON patch: test that the finalizer is still at its index, then remove it (a changed list fails the test). */
    private void releaseAgentFinalizer(SchedulingPolicyNode o) {
        int i = o.getMetadata().getFinalizers().indexOf(SyrupLabels.AGENT_FINALIZER);
        String patch = "[{\"op\":\"test\",\"path\":\"/metadata/finalizers/" + i + "\",\"value\":\"" + SyrupLabels.AGENT_FINALIZER
                + "\"},{\"op\":\"remove\",\"path\":\"/metadata/finalizers/" + i + "\"}]";
        try {
            client.resources(SchedulingPolicyNode.class).inNamespace(o.getMetadata().getNamespace())
                    .withName(o.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON), patch);
            metrics.nodeObjectWrite("release-finalizer");
            LOG.infof("node %s is gone: released the agent's finalizer of %s/%s", o.getSpec().getNodeName(),
                    o.getMetadata().getNamespace(), o.getMetadata().getName());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 422) {
                throw e;
            }
            // gone already, or the finalizers changed since the cache saw them: the next event retries
        }
    }

    /** Daemon threads named node-object-writer-N. */
    private static final class WriterThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "node-object-writer-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
