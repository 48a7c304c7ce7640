package dev.syrup.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.crds.v1alpha1.PolicyConditions;
import dev.syrup.crds.v1alpha1.PolicyReasons;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeSpec;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodAttachment;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodState;
import dev.syrup.crds.v1alpha1.SchedulingPolicyStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The policy's status from the operator's verdicts and the agents' node objects, without an API server;
 * PolicyStatusIT checks the same aggregation through the packaged operator.
 */
class StatusAggregatorTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC);
    private static final StatusAggregator.Verdict COMPILED =
            new StatusAggregator.Verdict(true, null, null, new CompileCheck.Result(true, null, null, List.of(), 0));

    private final SchedulingPolicy policy = policy(3);
    private final Pod p1 = pod("p1", "uid-1"), p2 = pod("p2", "uid-2"), p3 = pod("p3", "uid-3");
    private final Map<String, List<Pod>> targets = Map.of("a", List.of(p1, p2), "b", List.of(p3));

    @Test
    void everyPodAttachedAtTheCurrentGenerationIsReady() {
        SchedulingPolicyStatus s = StatusAggregator.compute(policy, COMPILED, targets,
                Map.of("a", node(3, attached(p1), attached(p2)), "b", node(3, attached(p3))), CLOCK);
        assertThat(s.getAttachedPods()).isEqualTo(3);
        assertCondition(s, PolicyConditions.READY, "True", StatusAggregator.ATTACHED);
        assertCondition(s, PolicyConditions.DEGRADED, "False", StatusAggregator.NO_FAILURES);
    }

    @Test
    void aNodeThatReportedAnEarlierGenerationCountsAsPending() {
        SchedulingPolicyStatus s = StatusAggregator.compute(policy, COMPILED, targets,
                Map.of("a", node(3, attached(p1), attached(p2)), "b", node(2, attached(p3))), CLOCK);
        assertThat(s.getAttachedPods()).isEqualTo(2);
        Condition ready = assertCondition(s, PolicyConditions.READY, "False", StatusAggregator.PENDING);
        assertThat(ready.getMessage()).contains("1 of 3 pods not attached yet (nodes b)");
    }

    @Test
    void anAgentsRejectionOfThePolicyDegradesItWithTheAgentsReason() {
        SchedulingPolicyNode b = node(3);
        b.getStatus().setReason(PolicyReasons.VERIFIER_REJECTED);
        b.getStatus().setMessage("rr.c:7: verifier rejected program syrup_socket_select: invalid access");
        SchedulingPolicyStatus s = StatusAggregator.compute(policy, COMPILED, targets,
                Map.of("a", node(3, attached(p1), attached(p2)), "b", b), CLOCK);
        assertThat(s.getFailedPods()).isEqualTo(1);
        assertCondition(s, PolicyConditions.READY, "False", PolicyReasons.VERIFIER_REJECTED);
        assertCondition(s, PolicyConditions.DEGRADED, "True", PolicyReasons.VERIFIER_REJECTED);
        assertThat(s.getFailures()).anySatisfy(f -> assertThat(f.getMessage()).contains("rr.c:7"));
    }

    @Test
    void aPolicyTheOperatorRefusedIsNotReadyForTheSameReasonAndNotCompiled() {
        StatusAggregator.Verdict refused = new StatusAggregator.Verdict(false, "HookNotAllowed",
                "namespace apps may not use the thread hook", null);
        SchedulingPolicyStatus s = StatusAggregator.compute(policy, refused, Map.of(), Map.of(), CLOCK);
        assertCondition(s, PolicyConditions.ACCEPTED, "False", "HookNotAllowed");
        assertCondition(s, PolicyConditions.COMPILED, "Unknown", StatusAggregator.NOT_CHECKED);
        assertCondition(s, PolicyConditions.READY, "False", "HookNotAllowed");
    }

    private static Condition assertCondition(SchedulingPolicyStatus s, String type, String status, String reason) {
        Condition c = s.condition(type);
        assertThat(c).as(type).isNotNull();
        assertThat(c.getStatus()).as(type + ": " + c.getMessage()).isEqualTo(status);
        assertThat(c.getReason()).as(type + ": " + c.getMessage()).isEqualTo(reason);
        assertThat(c.getObservedGeneration()).isEqualTo(3L);
        return c;
    }

    private static SchedulingPolicy policy(long generation) {
        SchedulingPolicy p = new SchedulingPolicy();
        p.setMetadata(new ObjectMetaBuilder().withNamespace("apps").withName("rr").withGeneration(generation).build());
        return p;
    }

    private static Pod pod(String name, String uid) {
        return new PodBuilder().withMetadata(new ObjectMetaBuilder().withNamespace("apps").withName(name).withUid(uid).build())
                .build();
    }

    private static PodAttachment attached(Pod p) {
        return new PodAttachment(p.getMetadata().getName(), p.getMetadata().getUid(), PodState.Attached, null);
    }

    private static SchedulingPolicyNode node(long policyGeneration, PodAttachment... pods) {
        SchedulingPolicyNode n = new SchedulingPolicyNode();
        n.setMetadata(new ObjectMetaBuilder().withNamespace("apps").withName("rr-x").withGeneration(1L).build());
        SchedulingPolicyNodeSpec spec = new SchedulingPolicyNodeSpec();
        spec.setPolicyGeneration(policyGeneration);
        n.setSpec(spec);
        SchedulingPolicyNodeStatus st = new SchedulingPolicyNodeStatus();
        st.setObservedGeneration(1L);
        st.setPolicyGeneration(policyGeneration);
        st.setPods(List.of(pods));
        n.setStatus(st);
        return n;
    }
}
