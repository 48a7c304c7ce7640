package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.PolicyConditions;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodState;
import dev.syrup.crds.v1alpha1.SchedulingPolicyStatus;
import dev.syrup.operator.testing.FakeAgent;
import dev.syrup.operator.testing.Objects;
import dev.syrup.operator.testing.OperatorFixture;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Status of good, uncompilable and verifier-rejected policies, with the agents played by the test. */
class PolicyStatusIT {
    static OperatorFixture fx;
    static KubernetesClient admin;
    static FakeAgent agent;

    @BeforeAll
    static void start() {
        fx = OperatorFixture.shared();
        admin = fx.admin();
        agent = new FakeAgent(admin);
    }

    @Test
    void goodPolicyBecomesReadyWhenEveryPodIsAttached() {
        String ns = fx.cluster().newNamespace("good");
        String a = ns + "-a", b = ns + "-b";
        Objects.node(admin, a);
        Objects.node(admin, b);
        Objects.annotatedPod(admin, ns, "p1", a, "rr");
        Objects.annotatedPod(admin, ns, "p2", a, "rr");
        Objects.annotatedPod(admin, ns, "p3", b, "rr");
        Objects.annotatedPod(admin, ns, "other", b, null);
        Objects.create(admin, Objects.policy(ns, "rr", Objects.ROUND_ROBIN));

        SchedulingPolicy first = await(ns, "rr", s -> s.getNodes() != null && s.getNodes() == 2 && s.getSelectedPods() == 3);
        SchedulingPolicy p = first;
        assertCondition(p, PolicyConditions.ACCEPTED, "True", "Valid");
        assertCondition(p, PolicyConditions.COMPILED, "True", "Compiled");
        assertCondition(p, PolicyConditions.READY, "False", "Pending");
        assertThat(p.getStatus().getObservedGeneration()).isEqualTo(p.getMetadata().getGeneration());
        String compiledSince = p.getStatus().condition(PolicyConditions.COMPILED).getLastTransitionTime();

        List<SchedulingPolicyNode> objects = nodeObjects(ns);
        assertThat(objects).hasSize(2);
        SchedulingPolicyNode onA = objects.stream().filter(o -> o.getSpec().getNodeName().equals(a)).findFirst().orElseThrow();
        assertThat(onA.getSpec().getPods()).extracting(r -> r.getName()).containsExactly("p1", "p2");
        assertThat(onA.getSpec().getSource()).isEqualTo(Objects.ROUND_ROBIN);
        assertThat(onA.getSpec().getPolicyGeneration()).isEqualTo(p.getMetadata().getGeneration());
        assertThat(onA.getMetadata().getLabels()).containsEntry("syrup.dev/policy", "rr").containsEntry("syrup.dev/node", a);
        assertThat(onA.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(r -> assertThat(r.getUid()).isEqualTo(first.getMetadata().getUid()))
                .satisfies(r -> assertThat(r.getController()).isTrue());

        agent.attachAll(ns, onA.getMetadata().getName());
        p = await(ns, "rr", s -> s.getAttachedPods() == 2);
        assertCondition(p, PolicyConditions.READY, "False", "Pending");

        objects.stream().filter(o -> o != onA).forEach(o -> agent.attachAll(ns, o.getMetadata().getName()));
        p = await(ns, "rr", s -> s.getAttachedPods() == 3);
        assertCondition(p, PolicyConditions.READY, "True", "Attached");
        assertCondition(p, PolicyConditions.DEGRADED, "False", "NoFailures");
        assertThat(p.getStatus().getFailedPods()).isZero();
        assertThat(p.getStatus().condition(PolicyConditions.COMPILED).getLastTransitionTime()).isEqualTo(compiledSince);

        // One pod fails on node b.
        String onB = objects.stream().filter(o -> o != onA).findFirst().orElseThrow().getMetadata().getName();
        agent.report(ns, onB, pod -> PodState.Failed, Map.of("p3", "no SO_REUSEPORT socket bound to udp/9000 after 30 s"), null, null);
        p = await(ns, "rr", s -> s.getFailedPods() == 1);
        assertCondition(p, PolicyConditions.READY, "False", "AttachFailed");
        assertCondition(p, PolicyConditions.DEGRADED, "True", "AttachFailed");
        assertThat(p.getStatus().getFailures()).singleElement().satisfies(f -> {
            assertThat(f.getPod()).isEqualTo("p3");
            assertThat(f.getNode()).isEqualTo(b);
            assertThat(f.getMessage()).contains("no SO_REUSEPORT socket");
        });
        assertThat(reasons(ns)).contains("Compiled", "NodeObjectsCreated", "Ready", "NotReady");
    }

    @Test
    void uncompilablePolicyIsReportedOnceAndCreatesNoNodeObjects() {
        String ns = fx.cluster().newNamespace("broken");
        String node = ns + "-n";
        Objects.node(admin, node);
        Objects.annotatedPod(admin, ns, "p1", node, "broken");
        double failuresBefore = fx.operator().metric("syrup_policy_compile_failures_total", "");
        String source = """
                #include "syrup.h"
                uint32_t schedule(void *pkt_start, void *pkt_end)
                {
                	return undefined_counter % 4;
                }
                """;
        Objects.create(admin, Objects.policy(ns, "broken", source));

        SchedulingPolicy p = await(ns, "broken", s -> s.condition(PolicyConditions.COMPILED) != null
                && "False".equals(s.condition(PolicyConditions.COMPILED).getStatus()));
        Condition compiled = p.getStatus().condition(PolicyConditions.COMPILED);
        assertThat(compiled.getReason()).isEqualTo("CompileFailed");
        assertThat(compiled.getMessage()).contains("broken.c:4:").contains("undefined_counter");
        assertCondition(p, PolicyConditions.READY, "False", "CompileFailed");
        assertThat(p.getStatus().getSelectedPods()).isEqualTo(1);

        // More pods, more reconciles: still no node object, still one compile failure and one event.
        Objects.annotatedPod(admin, ns, "p2", node, "broken");
        await(ns, "broken", s -> s.getSelectedPods() == 2);
        assertThat(nodeObjects(ns)).isEmpty();
        assertThat(fx.operator().metric("syrup_policy_compile_failures_total", "") - failuresBefore).isEqualTo(1.0);
        assertThat(reasons(ns)).containsOnlyOnce("CompileFailed").doesNotContain("NodeObjectsCreated");
    }

    @Test
    void aBrokenEditLeavesTheRunningNodeObjectsAlone() {
        String ns = fx.cluster().newNamespace("edit");
        String node = ns + "-n";
        Objects.node(admin, node);
        Objects.annotatedPod(admin, ns, "p1", node, "rr");
        Objects.create(admin, Objects.policy(ns, "rr", Objects.ROUND_ROBIN));
        await(ns, "rr", s -> s.getNodes() != null && s.getNodes() == 1);
        SchedulingPolicyNode before = nodeObjects(ns).get(0);

        admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr")
                .edit(p -> { p.getSpec().setSource("uint32_t schedule(void *a, void *b) { return }\n"); return p; });
        SchedulingPolicy p = await(ns, "rr", s -> s.getObservedGeneration() == 2);
        assertCondition(p, PolicyConditions.COMPILED, "False", "CompileFailed");
        assertThat(p.getStatus().condition(PolicyConditions.COMPILED).getMessage()).contains("rr.c:1:");
        SchedulingPolicyNode after = nodeObjects(ns).get(0);
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
        assertThat(after.getSpec().getSourceHash()).isEqualTo(before.getSpec().getSourceHash());
    }

    @Test
    void verifierRejectionReportedByAnAgentSurfacesInTheStatus() {
        String ns = fx.cluster().newNamespace("verifier");
        String node = ns + "-n";
        Objects.node(admin, node);
        Objects.annotatedPod(admin, ns, "p1", node, "rr");
        Objects.create(admin, Objects.policy(ns, "rr", Objects.ROUND_ROBIN));
        await(ns, "rr", s -> s.getNodes() != null && s.getNodes() == 1);
        String obj = nodeObjects(ns).get(0).getMetadata().getName();

        String verifier = "rr.c:7: verifier rejected program syrup_socket_select: invalid access to packet, off=0 size=8";
        agent.report(ns, obj, pod -> PodState.Failed, Map.of(), "VerifierRejected", verifier);
        SchedulingPolicy p = await(ns, "rr", s -> s.condition(PolicyConditions.READY) != null
                && "VerifierRejected".equals(s.condition(PolicyConditions.READY).getReason()));
        assertCondition(p, PolicyConditions.READY, "False", "VerifierRejected");
        assertThat(p.getStatus().condition(PolicyConditions.READY).getMessage()).contains(node).contains(verifier);
        assertCondition(p, PolicyConditions.DEGRADED, "True", "VerifierRejected");
        assertThat(p.getStatus().getFailedPods()).isEqualTo(1);
        assertThat(p.getStatus().getFailures()).anySatisfy(f -> assertThat(f.getMessage()).contains("invalid access to packet"));
    }

    static SchedulingPolicy await(String ns, String name, Predicate<SchedulingPolicyStatus> ok) {
        return admin.resources(SchedulingPolicy.class).inNamespace(ns).withName(name)
                .waitUntilCondition(p -> p != null && p.getStatus() != null && ok.test(p.getStatus()), 60, TimeUnit.SECONDS);
    }

    static List<SchedulingPolicyNode> nodeObjects(String ns) {
        return admin.resources(SchedulingPolicyNode.class).inNamespace(ns).list().getItems();
    }

    static List<String> reasons(String ns) {
        return admin.events().v1().events().inNamespace(ns).list().getItems().stream().map(Event::getReason).toList();
    }

    static void assertCondition(SchedulingPolicy p, String type, String status, String reason) {
        Condition c = p.getStatus().condition(type);
        assertThat(c).as(type + " in " + p.getStatus().getConditions()).isNotNull();
        assertThat(c.getStatus()).as(type + ": " + c.getMessage()).isEqualTo(status);
        assertThat(c.getReason()).as(type + ": " + c.getMessage()).isEqualTo(reason);
        assertThat(c.getObservedGeneration()).isEqualTo(p.getMetadata().getGeneration());
        assertThat(c.getLastTransitionTime()).isNotBlank();
    }
}
