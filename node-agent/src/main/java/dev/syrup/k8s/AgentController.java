package dev.syrup.k8s;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeSpec;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodAttachment;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodState;
import dev.syrup.daemon.DeploymentRecord;
import dev.syrup.daemon.DeploymentRecord.PodBinding;
import dev.syrup.daemon.Log;
import dev.syrup.daemon.Syrupd;
import dev.syrup.deploy.Deployment;
import dev.syrup.deploy.PortConflictException;
import dev.syrup.hook.DecisionStats;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.TargetUnavailableException;
import dev.syrup.hook.thread.ThreadBackend;
import dev.syrup.policy.PolicyException;
import dev.syrup.policy.PolicySource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    private final Syrupd.Node node;
    private final PodResolver resolver;
    private final AgentMetrics metrics;
    private final PolicyVerdicts verdicts;
    private final NodePolicyStatusWriter writer;
    private final Duration resync;
    private final Log log;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agent-reconcile");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean queued = new AtomicBoolean();
    /** The agent's deployments: id -> why it exists. Changed on the loop thread, read by metrics. */
    private final Map<String, PodBinding> bindings = new ConcurrentHashMap<>();
    private SharedIndexInformer<SchedulingPolicyNode> nodeObjects;
    private SharedIndexInformer<Pod> pods;

    public AgentController(KubernetesClient client, String nodeName, Syrupd.Node node, PodResolver resolver,
                           AgentMetrics metrics, Duration resync) {
        this.client = client;
        this.nodeName = nodeName;
        this.node = node;
        this.resolver = resolver;
        this.metrics = metrics;
        this.resync = resync;
        this.log = node.log();
        this.verdicts = new PolicyVerdicts(new dev.syrup.deploy.PolicyChecker(node.compiler(), node.deployer().layout()));
        this.writer = new NodePolicyStatusWriter(client);
        metrics.source(this::samples);
    }

    /** start re-adopts the deployments made for pods before a restart, starts the informers and the loop. */
    public void start() {
        for (DeploymentRecord r : node.records().loadAll(new ArrayList<>())) {
            if (r.binding() != null && node.owners().containsKey(r.id())) {
                bindings.put(r.id(), r.binding());
            }
        }
        log.info("agent for node " + nodeName + ": " + bindings.size() + " pod deployment(s) adopted");
        ResourceEventHandler<Object> onChange = new ResourceEventHandler<>() {
            @Override public void onAdd(Object o) { trigger(); }
            @Override public void onUpdate(Object a, Object b) { trigger(); }
            @Override public void onDelete(Object o, boolean unknown) { trigger(); }
        };
        nodeObjects = client.resources(SchedulingPolicyNode.class).inAnyNamespace()
                .withLabel(SyrupLabels.NODE_LABEL, nodeName).inform(onChange);
        pods = client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).inform(onChange);
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
                    reconcile(obj);
                } catch (KubernetesClientException e) {
                    log.warn("node object " + key(obj) + ": " + e.getMessage() + " (retrying at the next pass)");
                } catch (RuntimeException e) {
                    log.error("node object " + key(obj) + " failed", e);
                }
            }
            // Deployments whose node object is gone altogether (deleted while the agent was down).
            for (Map.Entry<String, PodBinding> b : Map.copyOf(bindings).entrySet()) {
                if (!live.contains(b.getValue().namespace() + "/" + b.getValue().nodeObject())) {
                    remove(b.getKey(), "its SchedulingPolicyNode is gone");
                }
            }
            countAttached();
        } catch (RuntimeException e) {
            log.error("reconcile pass failed", e);
        }
    }

    private void reconcile(SchedulingPolicyNode obj) {
        String key = key(obj);
        Map<String, String> mine = new HashMap<>(); // pod uid -> deployment id
        bindings.forEach((id, b) -> {
            if (key.equals(b.namespace() + "/" + b.nodeObject())) {
                mine.put(b.podUid(), id);
            }
        });
        if (obj.getMetadata().getDeletionTimestamp() != null) {
            if (NodePolicyStatusWriter.hasFinalizer(obj)) {
                mine.values().forEach(id -> remove(id, key + " is being deleted"));
                writer.removeFinalizer(obj);
                log.info(key + ": detached " + mine.size() + " pod(s), finalizer removed");
            }
            return;
        }
        SchedulingPolicyNodeSpec spec = obj.getSpec();
        if (spec == null || !nodeName.equals(spec.getNodeName())) {
            return;
        }
        if (!NodePolicyStatusWriter.hasFinalizer(obj)) {
            writer.addFinalizer(obj); // before anything is attached; the update brings us back here
            return;
        }
        PolicySource source = PolicySource.of(spec.getPolicy() + ".c", spec.getSource().getBytes(StandardCharsets.UTF_8));
        List<PolicyHook> hooks = spec.getHooks();
        Optional<PolicyVerdicts.Failure> failure = verdicts.check(source, hooks);
        Set<String> wanted = new HashSet<>();
        spec.getPods().forEach(p -> wanted.add(PodIdentity.normalize(p.getUid())));
        mine.forEach((uid, id) -> {
            if (!wanted.contains(uid)) {
                remove(id, "pod " + uid + " is no longer selected by " + key);
            }
        });
        List<PodAttachment> results = new ArrayList<>();
        for (SchedulingPolicyNodeSpec.PodRef ref : spec.getPods()) {
            String uid = PodIdentity.normalize(ref.getUid());
            PodAttachment a = reconcilePod(obj, source, failure, ref, mine.get(uid));
            if (a.getState() == PodState.Failed && failure.isEmpty()) {
                metrics.attachFailure(obj.getMetadata().getNamespace(), spec.getPolicy());
            }
            results.add(a);
        }
        SchedulingPolicyNodeStatus status = new SchedulingPolicyNodeStatus();
        status.setObservedGeneration(obj.getMetadata().getGeneration());
        status.setPolicyGeneration(spec.getPolicyGeneration());
        status.setSelectedPods(results.size());
        status.setAttachedPods((int) results.stream().filter(a -> a.getState() == PodState.Attached).count());
        status.setFailedPods((int) results.stream().filter(a -> a.getState() == PodState.Failed).count());
        if (threadHooks(hooks)) {
            status.setThreadBackend(node.deployer().threadBackend().map(ThreadBackend::name).orElse(null));
        }
        failure.ifPresent(f -> {
            status.setReason(f.reason());
            status.setMessage(f.message());
        });
        status.setPods(results);
        if (writer.write(obj, status)) {
            log.info(key + ": " + status.getAttachedPods() + "/" + status.getSelectedPods() + " pod(s) attached"
                    + (status.getReason() == null ? "" : ", " + status.getReason()));
        }
    }

    private PodAttachment reconcilePod(SchedulingPolicyNode obj, PolicySource source,
                                       Optional<PolicyVerdicts.Failure> failure, SchedulingPolicyNodeSpec.PodRef ref,
                                       String existing) {
        SchedulingPolicyNodeSpec spec = obj.getSpec();
        String uid = PodIdentity.normalize(ref.getUid());
        PodBinding old = existing == null ? null : bindings.get(existing);
        Pod pod = pod(uid);
        if (pod == null || pod.getMetadata().getDeletionTimestamp() != null || !running(pod)) {
            if (existing != null) {
                remove(existing, "pod " + ref.getName() + " is not running");
            }
            String why = pod == null ? "pod is not on node " + nodeName
                    : pod.getMetadata().getDeletionTimestamp() != null ? "pod is terminating"
                    : "pod is " + (pod.getStatus() == null ? "not started" : pod.getStatus().getPhase());
            return attachment(ref, PodState.Pending, why, null);
        }
        if (failure.isPresent()) {
            if (old != null) {
                return attachment(ref, PodState.Attached, "still running the previous policy (source "
                        + abbrev(old.sourceHash()) + "): the new one was rejected", existing);
            }
            return attachment(ref, PodState.Failed, failure.get().message(), null);
        }
        PodTargets targets;
        PodResolver.ResolvedPod resolved;
        try {
            resolved = resolver.resolve(uid);
            targets = PodTargets.of(spec.getHooks(), resolved);
        } catch (PodResolver.NotRunningException | TargetUnavailableException e) {
            if (existing != null) {
                remove(existing, "pod " + ref.getName() + " restarted or stopped: " + e.getMessage());
            }
            return attachment(ref, PodState.Pending, e.getMessage(), null);
        }
        String hooksSig = PodTargets.signature(spec.getHooks());
        String key = obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName();
        try {
            if (old != null) {
                if (old.fingerprint().equals(targets.fingerprint()) && old.hooks().equals(hooksSig)) {
                    if (!old.sourceHash().equals(source.sha256())) {
                        Deployment d = node.deployer().replace(existing, source);
                        PodBinding nb = new PodBinding(old.namespace(), old.nodeObject(), spec.getPolicy(), ref.getName(),
                                uid, source.sha256(), hooksSig, targets.fingerprint());
                        DeploymentRecord rec = node.records().get(existing).orElseThrow();
                        node.records().save(rec.withPolicy(d, nb));
                        bindings.put(existing, nb);
                        log.info(key + ": replaced the policy of " + existing + " (pod " + ref.getName() + ")");
                    }
                    return attachment(ref, PodState.Attached, null, existing);
                }
                remove(existing, "pod " + ref.getName() + " restarted (new processes or namespace) or its hooks changed");
            }
            String id = deploy(obj, source, ref, uid, resolved, targets, hooksSig);
            return attachment(ref, PodState.Attached, null, id);
        } catch (TargetUnavailableException e) {
            return attachment(ref, PodState.Pending, e.getMessage(), null);
        } catch (PortConflictException | PolicyException | IllegalArgumentException e) {
            log.warn(key + ": pod " + ref.getName() + ": " + e.getMessage());
            return attachment(ref, PodState.Failed, e.getMessage(), old != null && bindings.containsKey(existing) ? existing : null);
        } catch (RuntimeException e) {
            log.error(key + ": pod " + ref.getName(), e);
            return attachment(ref, PodState.Failed, e.toString(), null);
        }
    }

    private String deploy(SchedulingPolicyNode obj, PolicySource source, SchedulingPolicyNodeSpec.PodRef ref, String uid,
                          PodResolver.ResolvedPod resolved, PodTargets targets, String hooksSig) {
        SchedulingPolicyNodeSpec spec = obj.getSpec();
        Deployment d = node.deployer().deploy(source, targets.targets());
        try {
            InitialMaps.apply(node.deployer(), d.id(), spec.getMaps());
        } catch (RuntimeException e) {
            node.deployer().remove(d.id());
            throw new IllegalArgumentException("initial map entries: " + e.getMessage(), e);
        }
        PodBinding b = new PodBinding(obj.getMetadata().getNamespace(), obj.getMetadata().getName(), spec.getPolicy(),
                ref.getName(), uid, source.sha256(), hooksSig, targets.fingerprint());
        DeploymentRecord.Owner owner = DeploymentRecord.Owner.ofPod(uid, resolved.cgroupPath());
        node.records().save(DeploymentRecord.of(d, owner, b));
        node.owners().put(d.id(), owner);
        bindings.put(d.id(), b);
        log.info(b.namespace() + "/" + b.nodeObject() + ": deployed " + d.id() + " for pod " + ref.getName() + " at "
                + d.targets().stream().map(HookTarget::key).toList() + " in netns " + resolved.netns().inode());
        return d.id();
    }

    private void remove(String id, String why) {
        PodBinding b = bindings.remove(id);
        try {
            if (node.deployer().get(id).isPresent()) {
                node.deployer().remove(id);
            }
        } finally {
            node.records().delete(id);
            node.owners().remove(id);
        }
        log.info("removed " + id + (b == null ? "" : " (pod " + b.pod() + ")") + ": " + why);
    }

    private Pod pod(String uid) {
        for (Pod p : pods.getStore().list()) {
            if (uid.equals(PodIdentity.normalize(p.getMetadata().getUid()))) {
                return p;
            }
        }
        return null;
    }

    private static boolean running(Pod p) {
        return p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
    }

    private static boolean threadHooks(List<PolicyHook> hooks) {
        return hooks.stream().anyMatch(h -> h.getType() == HookType.THREAD);
    }

    private static PodAttachment attachment(SchedulingPolicyNodeSpec.PodRef ref, PodState state, String message, String id) {
        PodAttachment a = new PodAttachment(ref.getName(), ref.getUid(), state, message);
        a.setDeployment(id);
        return a;
    }

    private void countAttached() {
        Map<String, Integer> counts = new HashMap<>();
        for (SchedulingPolicyNode obj : nodeObjects.getStore().list()) {
            if (obj.getSpec() != null) {
                counts.put(obj.getMetadata().getNamespace() + "\n" + obj.getSpec().getPolicy(), 0);
            }
        }
        bindings.values().forEach(b -> counts.merge(b.namespace() + "\n" + b.policy(), 1, Integer::sum));
        counts.forEach((k, n) -> {
            String[] parts = k.split("\n", 2);
            metrics.podsAttached(parts[0], parts[1], n);
        });
    }

    /** The kernel's counters of every deployment the agent made, for the metrics. */
    private List<AgentMetrics.Sample> samples() {
        List<AgentMetrics.Sample> out = new ArrayList<>();
        for (Deployment d : node.deployer().list()) {
            PodBinding b = bindings.get(d.id());
            if (b == null) {
                continue;
            }
            for (HookTarget t : d.targets()) {
                try {
                    DecisionStats s = node.deployer().stats(d.id(), t);
                    out.add(new AgentMetrics.Sample(b.namespace(), b.policy(), b.pod(), t.hook().cliName(),
                            s.perExecutor(), s.pass(), s.drop(), s.fallback()));
                } catch (RuntimeException e) {
                    // removed meanwhile
                }
            }
        }
        return out;
    }

    private static String key(SchedulingPolicyNode obj) {
        return obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName();
    }

    private static String abbrev(String hash) { return hash.length() > 12 ? hash.substring(0, 12) : hash; }

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
