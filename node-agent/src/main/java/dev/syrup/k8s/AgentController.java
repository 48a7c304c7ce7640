package dev.syrup.k8s;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.daemon.Log;
import dev.syrup.daemon.Syrupd;
import dev.syrup.deploy.PolicyChecker;
import dev.syrup.hook.DecisionStats;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.NetworkTarget;
import dev.syrup.node.DeploymentRecord.PodBinding;
import dev.syrup.node.DeploymentService;
import dev.syrup.node.NodeDeployments;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's control loop: watches this node's SchedulingPolicyNode objects and pods, and makes the
 * node's deployments match them, one deployment per selected pod (owned by that pod). All changes run
 * on one thread, after any event and every resync period; each pass looks at every object, so a missed
 * event costs at most one period.
 */
public final class AgentController implements AutoCloseable {
    private final KubernetesClient client;
    private final String nodeName;
    private final NodeDeployments deployments;
    private final NodeObjectReconciler reconciler;
    private final AgentMetrics metrics;
    private final Duration resync;
    private final Log log;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agent-reconcile");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean queued = new AtomicBoolean();
    private SharedIndexInformer<SchedulingPolicyNode> nodeObjects;
    private SharedIndexInformer<Pod> pods;

    public AgentController(KubernetesClient client, String nodeName, Syrupd.Node node, PodResolver resolver,
                           AgentMetrics metrics, Duration resync) {
        this.client = client;
        this.nodeName = nodeName;
        this.deployments = node.deployments();
        this.metrics = metrics;
        this.resync = resync;
        this.log = node.log();
        PolicyChecker checker = new PolicyChecker(node.compiler(), node.deployments().layout());
        this.reconciler = new NodeObjectReconciler(nodeName, deployments, resolver::resolve,
                new PolicyVerdicts(checker::check), new NodePolicyStatusWriter(client), metrics, log);
        metrics.source(this::samples);
    }

    /** start starts the informers and the loop; deployments made for pods before a restart were adopted. */
    public void start() {
        log.info("agent for node " + nodeName + ": " + reconciler.bindings().size() + " pod deployment(s) adopted");
        ResourceEventHandler<Object> onChange = new ResourceEventHandler<>() {
            @Override public void onAdd(Object o) { trigger(); }
            @Override public void onUpdate(Object a, Object b) { trigger(); }
            @Override public void onDelete(Object o, boolean unknown) { trigger(); }
        };
        nodeObjects = client.resources(SchedulingPolicyNode.class).inAnyNamespace()
                .withLabel(SyrupLabels.NODE_LABEL, nodeName).inform(onChange);
        pods = client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).inform(onChange);
        // A pod's server stopped or bound new sockets: the follower took them, the status says so now.
        deployments.onStateChange((id, target, state) -> {
            if (deployments.get(id).map(DeploymentService.Entry::binding).isPresent()) {
                trigger();
            }
        });
        loop.scheduleWithFixedDelay(this::reconcileAll, 0, resync.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void trigger() {
        if (queued.compareAndSet(false, true)) {
            loop.execute(() -> {
                queued.set(false);
                reconcileAll();
            });
        }
    }

    private void reconcileAll() {
        if (!nodeObjects.hasSynced() || !pods.hasSynced()) {
            return; // acting on a partial view would detach what is still wanted
        }
        try {
            Set<String> live = new HashSet<>();
            for (SchedulingPolicyNode obj : nodeObjects.getStore().list()) {
                live.add(key(obj));
                try {
                    reconciler.reconcile(obj, this::pod);
                } catch (KubernetesClientException e) {
                    log.warn("node object " + key(obj) + ": " + e.getMessage() + " (retrying at the next pass)");
                } catch (RuntimeException e) {
                    log.error("node object " + key(obj) + " failed", e);
                }
            }
            // Deployments whose node object is gone altogether (deleted while the agent was down).
            for (Map.Entry<String, PodBinding> b : reconciler.bindings().entrySet()) {
                if (!live.contains(b.getValue().namespace() + "/" + b.getValue().nodeObject())) {
                    reconciler.remove(b.getKey(), "its SchedulingPolicyNode is gone");
                }
            }
            countAttached();
        } catch (RuntimeException e) {
            log.error("reconcile pass failed", e);
        }
    }

    private Pod pod(String uid) {
        for (Pod p : pods.getStore().list()) {
            if (uid.equals(PodIdentity.normalize(p.getMetadata().getUid()))) {
                return p;
            }
        }
        return null;
    }

    private void countAttached() {
        Map<String, Integer> counts = new HashMap<>();
        for (SchedulingPolicyNode obj : nodeObjects.getStore().list()) {
            if (obj.getSpec() != null) {
                counts.put(obj.getMetadata().getNamespace() + "\n" + obj.getSpec().getPolicy(), 0);
            }
        }
        reconciler.bindings().values().forEach(b -> counts.merge(b.namespace() + "\n" + b.policy(), 1, Integer::sum));
        counts.forEach((k, n) -> {
            String[] parts = k.split("\n", 2);
            metrics.podsAttached(parts[0], parts[1], n);
        });
    }

    /** The kernel's counters of every deployment the agent made, for the metrics. */
    private List<AgentMetrics.Sample> samples() {
        List<AgentMetrics.Sample> out = new ArrayList<>();
        for (DeploymentService.Entry e : deployments.list()) {
            PodBinding b = e.binding();
            if (b == null) {
                continue;
            }
            for (HookTarget t : e.deployment().targets()) {
                try {
                    DecisionStats s = deployments.stats(e.id(), t);
                    out.add(new AgentMetrics.Sample(b.namespace(), b.policy(), b.pod(), t.hook().cliName(),
                            s.perExecutor(), s.pass(), s.drop(), s.fallback(),
                            t instanceof NetworkTarget n ? n.port() : 0, deployments.state(e.id(), t).orElse(null)));
                } catch (RuntimeException removedMeanwhile) {
                    // the deployment went away since the list
                }
            }
        }
        return out;
    }

    private static String key(SchedulingPolicyNode obj) { return NodeObjectReconciler.key(obj); }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (nodeObjects != null) {
            nodeObjects.close();
        }
        if (pods != null) {
            pods.close();
        }
    }
}
