package dev.syrup.operator;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Brings a policy's SchedulingPolicyNode objects to the desired set with as few requests as possible: one
 * server-side apply per object that is missing or differs, one delete per object no longer wanted, nothing
 * for objects that are up to date. Never writes status (the agents own it) nor finalizers, except removing
 * the agent's finalizer from objects of nodes that no longer exist (no agent will come to remove it).
 */
@ApplicationScoped
public class NodeObjectWriter {
    public static final String FIELD_MANAGER = "syrup-operator";
    private static final Logger LOG = Logger.getLogger(NodeObjectWriter.class);

    /** What a sync did: the objects now current, by node; the nodes whose object was created or deleted. */
    public record Outcome(Map<String, SchedulingPolicyNode> current, List<String> created, List<String> updated,
                          List<String> deleted) {}

    private final KubernetesClient client;
    private final OperatorMetrics metrics;

    public NodeObjectWriter(KubernetesClient client, OperatorMetrics metrics) {
        this.client = client;
        this.metrics = metrics;
    }

    /**
     * desired and existing are keyed by node name; nodeExists says whether a Node object of that name exists.
     * cache learns of our own writes so the next reconcile does not see stale objects.
     */
    public Outcome sync(Map<String, SchedulingPolicyNode> desired, Map<String, SchedulingPolicyNode> existing,
                        Predicate<String> nodeExists, InformerEventSource<SchedulingPolicyNode, ?> cache) {
        Map<String, SchedulingPolicyNode> current = new HashMap<>();
        List<String> created = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (var e : desired.entrySet()) {
            SchedulingPolicyNode have = existing.get(e.getKey());
            if (have != null && NodeObjects.isDeleting(have)) {
                current.put(e.getKey(), have); // recreated once its agent has let it go
                continue;
            }
            if (have != null && NodeObjects.upToDate(have, e.getValue())) {
                current.put(e.getKey(), have);
                continue;
            }
            SchedulingPolicyNode applied = apply(e.getValue());
            if (have == null) {
                cache.handleRecentResourceCreate(ResourceID.fromResource(applied), applied);
                created.add(e.getKey());
                metrics.nodeObjectWrite("create");
            } else {
                cache.handleRecentResourceUpdate(ResourceID.fromResource(applied), applied, have);
                updated.add(e.getKey());
                metrics.nodeObjectWrite("update");
            }
            current.put(e.getKey(), applied);
        }
        for (var e : existing.entrySet()) {
            if (!desired.containsKey(e.getKey())) {
                if (delete(e.getValue(), nodeExists.test(e.getKey()))) {
                    deleted.add(e.getKey());
                }
            }
        }
        return new Outcome(current, created, updated, deleted);
    }

    /**
     * Deletes the object unless it is already being deleted; if its node is gone, also takes the agent's
     * finalizer off. Returns whether a delete was issued.
     */
    public boolean delete(SchedulingPolicyNode o, boolean nodeExists) {
        boolean issued = false;
        if (!NodeObjects.isDeleting(o)) {
            client.resource(o).delete();
            metrics.nodeObjectWrite("delete");
            issued = true;
        }
        if (!nodeExists && NodeObjects.hasAgentFinalizer(o)) {
            releaseAgentFinalizer(o);
        }
        return issued;
    }

    private SchedulingPolicyNode apply(SchedulingPolicyNode o) {
        return client.resource(o).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
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
}
