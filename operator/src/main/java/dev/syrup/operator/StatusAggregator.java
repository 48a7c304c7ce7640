package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.PolicyConditions;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodAttachment;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodState;
import dev.syrup.crds.v1alpha1.SchedulingPolicyStatus;
import dev.syrup.crds.v1alpha1.SchedulingPolicyStatus.PodFailure;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import static dev.syrup.crds.v1alpha1.PolicyConditions.FALSE;
import static dev.syrup.crds.v1alpha1.PolicyConditions.TRUE;
import static dev.syrup.crds.v1alpha1.PolicyConditions.UNKNOWN;

/**
 * The policy's status from what the operator found (spec valid? source compiles?) and what the agents report
 * in the node objects. Only a node status written for the node object's current spec and the policy's current
 * generation counts; pods it does not cover yet are Pending.
 */
public final class StatusAggregator {
    public static final int MAX_FAILURES = 5;
    public static final String ATTACHED = "Attached";
    public static final String PENDING = "Pending";
    public static final String NO_PODS = "NoPods";
    public static final String ATTACH_FAILED = "AttachFailed";
    public static final String NO_FAILURES = "NoFailures";
    public static final String VALID = "Valid";
    public static final String COMPILED = "Compiled";
    public static final String NOT_CHECKED = "NotChecked";

    /** The operator's own verdicts: accepted (reason/message when not), compile result (null when not run). */
    public record Verdict(boolean accepted, String acceptReason, String acceptMessage, CompileCheck.Result compile) {
        boolean compiled() { return compile != null && compile.ok(); }
    }

    private StatusAggregator() {}

    public static SchedulingPolicyStatus compute(SchedulingPolicy policy, Verdict verdict, Map<String, List<Pod>> targets,
                                                 Map<String, SchedulingPolicyNode> objects, Clock clock) {
        long generation = policy.getMetadata().getGeneration();
        int attached = 0;
        int failed = 0;
        int pending = 0;
        int selected = 0;
        List<PodFailure> failures = new ArrayList<>();
        Map<String, String> nodeFailures = new TreeMap<>(); // node -> "reason: message"
        String nodeReason = null;
        List<String> waitingNodes = new ArrayList<>();
        for (var e : new TreeMap<>(targets).entrySet()) {
            String node = e.getKey();
            SchedulingPolicyNode obj = objects.get(node);
            SchedulingPolicyNodeStatus st = obj == null ? null : obj.getStatus();
            boolean current = st != null && Objects.equals(st.getPolicyGeneration(), generation)
                    && obj.getSpec() != null && Objects.equals(obj.getSpec().getPolicyGeneration(), generation)
                    && (st.getObservedGeneration() == null || st.getObservedGeneration().equals(obj.getMetadata().getGeneration()));
            Map<String, PodAttachment> byUid = new HashMap<>();
            if (current && st.getPods() != null) {
                st.getPods().forEach(p -> byUid.put(p.getUid(), p));
            }
            boolean policyFailed = current && st.getReason() != null;
            if (policyFailed) {
                nodeFailures.put(node, st.getReason() + ": " + Objects.requireNonNullElse(st.getMessage(), ""));
                if (nodeReason == null) {
                    nodeReason = st.getReason();
                }
                if (failures.size() < MAX_FAILURES) {
                    failures.add(new PodFailure(node, null, st.getReason() + ": " + st.getMessage()));
                }
            }
            boolean waiting = false;
            for (Pod pod : e.getValue()) {
                selected++;
                PodAttachment a = byUid.get(pod.getMetadata().getUid());
                PodState state = a == null ? null : a.getState();
                if (state == PodState.Attached) {
                    attached++;
                } else if (state == PodState.Failed || policyFailed) {
                    failed++;
                    if (failures.size() < MAX_FAILURES && state == PodState.Failed) {
                        failures.add(new PodFailure(node, pod.getMetadata().getName(), a.getMessage()));
                    }
                } else {
                    pending++;
                    waiting = true;
                }
            }
            if (waiting) {
                waitingNodes.add(node);
            }
        }

        List<Condition> conditions = new ArrayList<>();
        conditions.add(verdict.accepted()
                ? Conditions.of(PolicyConditions.ACCEPTED, TRUE, VALID, "the spec is valid and its source was read", generation)
                : Conditions.of(PolicyConditions.ACCEPTED, FALSE, verdict.acceptReason(), verdict.acceptMessage(), generation));
        conditions.add(compiledCondition(verdict, generation));
        conditions.add(readyCondition(policy, verdict, generation, selected, attached, failed, pending, failures,
                nodeReason, nodeFailures, waitingNodes, targets.size()));
        boolean degraded = failed > 0 || !nodeFailures.isEmpty();
        conditions.add(degraded
                ? Conditions.of(PolicyConditions.DEGRADED, TRUE, nodeReason != null ? nodeReason : ATTACH_FAILED,
                        failed + " of " + selected + " pods failed" + firstFailure(failures), generation)
                : Conditions.of(PolicyConditions.DEGRADED, FALSE, NO_FAILURES, "no pod failed", generation));

        SchedulingPolicyStatus previous = policy.getStatus();
        SchedulingPolicyStatus s = new SchedulingPolicyStatus();
        s.setObservedGeneration(generation);
        s.setConditions(Conditions.merge(previous == null ? null : previous.getConditions(), conditions, clock));
        s.setSelectedPods(selected);
        s.setAttachedPods(attached);
        s.setFailedPods(failed);
        s.setNodes(targets.size());
        s.setFailures(failures.isEmpty() ? null : failures);
        return s;
    }

    private static Condition compiledCondition(Verdict v, long generation) {
        if (v.compile() == null) {
            return Conditions.of(PolicyConditions.COMPILED, UNKNOWN, NOT_CHECKED, "not compiled: the policy was not accepted", generation);
        }
        if (!v.compile().ok()) {
            return Conditions.of(PolicyConditions.COMPILED, FALSE, v.compile().reason(), v.compile().message(), generation);
        }
        String msg = "the source compiles at every hook it names";
        if (!v.compile().unchecked().isEmpty()) {
            msg += "; not checked by the operator (its agent build has no such hook): " + String.join(", ", v.compile().unchecked())
                    + " (the node agents compile and report them)";
        }
        return Conditions.of(PolicyConditions.COMPILED, TRUE, COMPILED, msg, generation);
    }

    private static Condition readyCondition(SchedulingPolicy policy, Verdict v, long generation, int selected, int attached,
                                            int failed, int pending, List<PodFailure> failures, String nodeReason,
                                            Map<String, String> nodeFailures, List<String> waitingNodes, int nodes) {
        String type = PolicyConditions.READY;
        if (!v.accepted()) {
            return Conditions.of(type, FALSE, v.acceptReason(), v.acceptMessage(), generation);
        }
        if (!v.compiled()) {
            return Conditions.of(type, FALSE, v.compile().reason(), "the policy does not compile; nodes keep what they ran before",
                    generation);
        }
        if (selected == 0) {
            String name = policy.getMetadata().getName();
            return Conditions.of(type, FALSE, NO_PODS, "no scheduled, running pod of namespace " + policy.getMetadata().getNamespace()
                    + " is annotated syrup.dev/policy=" + name + " or matches the podSelector", generation);
        }
        if (nodeReason != null) {
            var first = nodeFailures.entrySet().iterator().next();
            String more = nodeFailures.size() > 1 ? " (and " + (nodeFailures.size() - 1) + " more nodes)" : "";
            return Conditions.of(type, FALSE, nodeReason, "node " + first.getKey() + ": " + first.getValue() + more, generation);
        }
        if (failed > 0) {
            return Conditions.of(type, FALSE, ATTACH_FAILED, failed + " of " + selected + " pods failed" + firstFailure(failures),
                    generation);
        }
        if (pending > 0) {
            String names = String.join(", ", waitingNodes.subList(0, Math.min(5, waitingNodes.size())))
                    + (waitingNodes.size() > 5 ? ", ..." : "");
            return Conditions.of(type, FALSE, PENDING, pending + " of " + selected + " pods not attached yet (nodes " + names + ")",
                    generation);
        }
        return Conditions.of(type, TRUE, ATTACHED, "attached to all " + attached + " pods on " + nodes + " nodes", generation);
    }

    private static String firstFailure(List<PodFailure> failures) {
        return failures.stream().filter(f -> f.getPod() != null).findFirst()
                .map(f -> "; e.g. pod " + f.getPod() + " on " + f.getNode() + ": " + f.getMessage()).orElse("");
    }
}
