package dev.syrup.k8s;

import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeSpec;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodAttachment;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodState;
import dev.syrup.daemon.Log;
import dev.syrup.error.ErrorKind;
import dev.syrup.error.DomainException;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.TargetUnavailableException;
import dev.syrup.node.DeploymentRecord;
import dev.syrup.node.DeploymentRecord.PodBinding;
import dev.syrup.node.DeploymentService;
import dev.syrup.policy.PolicySource;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Makes the node's deployments match one SchedulingPolicyNode: one deployment per selected pod
 * that runs here (owned by that pod), replaced when the source changes, redeployed when the pod
 * restarts, removed when the pod is no longer selected or the object goes; then reports per pod.
 */
final class NodeObjectReconciler {
    /** Writes what the agent did into the node object. */
    interface StatusWriter {
        void addFinalizer(SchedulingPolicyNode obj);

        void removeFinalizer(SchedulingPolicyNode obj);

        /** Writes status unless the object already has it; true if it wrote. */
        boolean write(SchedulingPolicyNode obj, SchedulingPolicyNodeStatus status);
    }

    /** From a pod's UID to its cgroup, processes and network namespace as they are now. */
    interface PodLocator {
        PodResolver.ResolvedPod resolve(String podUid);
    }

    private final String nodeName;
    private final DeploymentService deployments;
    private final PodLocator pods;
    private final PolicyVerdicts verdicts;
    private final StatusWriter writer;
    private final AgentMetrics metrics;
    private final Log log;

    NodeObjectReconciler(String nodeName, DeploymentService deployments, PodLocator pods, PolicyVerdicts verdicts,
                         StatusWriter writer, AgentMetrics metrics, Log log) {
        this.nodeName = nodeName;
        this.deployments = deployments;
        this.pods = pods;
        this.verdicts = verdicts;
        this.writer = writer;
        this.metrics = metrics;
        this.log = log;
    }

    /** The agent's deployments: id -> why it exists. */
    Map<String, PodBinding> bindings() {
        Map<String, PodBinding> out = new HashMap<>();
        deployments.list().forEach(e -> {
            if (e.binding() != null) {
                out.put(e.id(), e.binding());
            }
        });
        return out;
    }

    /** reconcile brings the deployments of obj's pods in line with it; podByUid looks up pods of this node. */
    void reconcile(SchedulingPolicyNode obj, Function<String, Pod> podByUid) {
        String key = key(obj);
        Map<String, String> mine = new HashMap<>(); // pod uid -> deployment id
        Map<String, PodBinding> bindings = bindings();
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
            String existing = mine.get(uid);
            PodAttachment a = reconcilePod(obj, source, failure, ref, podByUid.apply(uid), existing,
                    existing == null ? null : bindings.get(existing));
            if (a.getDeployment() != null) {
                a.setTargets(TargetStatuses.of(deployments, a.getDeployment()));
            }
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
        if (hooks.stream().anyMatch(h -> h.getType() == HookType.THREAD)) {
            status.setThreadBackend(deployments.threadBackend().orElse(null));
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
                                       Pod pod, String existing, PodBinding old) {
        SchedulingPolicyNodeSpec spec = obj.getSpec();
        String uid = PodIdentity.normalize(ref.getUid());
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
            resolved = pods.resolve(uid);
            targets = PodTargets.of(spec.getHooks(), resolved);
        } catch (PodResolver.NotRunningException | TargetUnavailableException e) {
            if (existing != null) {
                remove(existing, "pod " + ref.getName() + " restarted or stopped: " + e.getMessage());
            }
            return attachment(ref, PodState.Pending, e.getMessage(), null);
        }
        String hooksSig = PodTargets.signature(spec.getHooks());
        String key = key(obj);
        try {
            if (old != null) {
                if (old.fingerprint().equals(targets.fingerprint()) && old.hooks().equals(hooksSig)) {
                    if (!old.sourceHash().equals(source.sha256())) {
                        PodBinding nb = new PodBinding(old.namespace(), old.nodeObject(), spec.getPolicy(), ref.getName(),
                                uid, source.sha256(), hooksSig, targets.fingerprint());
                        deployments.replace(existing, source, nb);
                        log.info(key + ": replaced the policy of " + existing + " (pod " + ref.getName() + ")");
                    }
                    return attachment(ref, PodState.Attached, null, existing);
                }
                remove(existing, "pod " + ref.getName() + " was re-created (new network namespace), reopened its AF_XDP sockets, or its hooks changed");
            }
            targets.requireSockets(spec.getHooks());
            String id = deploy(obj, source, ref, uid, resolved, targets, hooksSig);
            return attachment(ref, PodState.Attached, null, id);
        } catch (DomainException e) {
            if (e.kind() == ErrorKind.UNAVAILABLE) {
                return attachment(ref, PodState.Pending, e.getMessage(), null);
            }
            log.warn(key + ": pod " + ref.getName() + ": " + e.getMessage());
            return attachment(ref, PodState.Failed, e.getMessage(),
                    old != null && deployments.get(existing).isPresent() ? existing : null);
        } catch (RuntimeException e) {
            log.error(key + ": pod " + ref.getName(), e);
            return attachment(ref, PodState.Failed, e.toString(), null);
        }
    }

    private String deploy(SchedulingPolicyNode obj, PolicySource source, SchedulingPolicyNodeSpec.PodRef ref, String uid,
                          PodResolver.ResolvedPod resolved, PodTargets targets, String hooksSig) {
        SchedulingPolicyNodeSpec spec = obj.getSpec();
        PodBinding b = new PodBinding(obj.getMetadata().getNamespace(), obj.getMetadata().getName(), spec.getPolicy(),
                ref.getName(), uid, source.sha256(), hooksSig, targets.fingerprint());
        DeploymentRecord.Owner owner = DeploymentRecord.Owner.ofPod(uid, resolved.cgroupPath());
        DeploymentService.Entry e = deployments.deploy(source, targets.targets(), owner, b, id -> {
            try {
                InitialMaps.apply(deployments, id, spec.getMaps());
            } catch (DomainException ex) {
                throw DomainException.invalid("initial map entries: " + ex.getMessage());
            }
        });
        log.info(b.namespace() + "/" + b.nodeObject() + ": deployed " + e.id() + " for pod " + ref.getName() + " at "
                + e.deployment().targets().stream().map(HookTarget::key).toList() + " in netns " + resolved.netns().inode());
        return e.id();
    }

    /** remove detaches deployment id and forgets it, saying why in the log. */
    void remove(String id, String why) {
        PodBinding b = deployments.get(id).map(DeploymentService.Entry::binding).orElse(null);
        deployments.remove(id);
        log.info("removed " + id + (b == null ? "" : " (pod " + b.pod() + ")") + ": " + why);
    }

    private static boolean running(Pod p) {
        return p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
    }

    private static PodAttachment attachment(SchedulingPolicyNodeSpec.PodRef ref, PodState state, String message, String id) {
        PodAttachment a = new PodAttachment(ref.getName(), ref.getUid(), state, message);
        a.setDeployment(id);
        return a;
    }

    static String key(SchedulingPolicyNode obj) {
        return obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName();
    }

    private static String abbrev(String hash) { return hash.length() > 12 ? hash.substring(0, 12) : hash; }
}
