package dev.syrup.operator;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus;
import dev.syrup.operator.testing.FakeAgent;
import dev.syrup.operator.testing.Objects;
import dev.syrup.operator.testing.OperatorFixture;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.syrup.operator.NodeFanOutIT.awaitNodeObjects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Deleting a policy removes its node objects; the policy stays until every agent has let go of its object. */
class PolicyDeletionIT {
    static OperatorFixture fx;
    static KubernetesClient admin;

    @BeforeAll
    static void start() {
        fx = OperatorFixture.shared();
        admin = fx.admin();
        PolicyStatusIT.start();
    }

    @Test
    void policyFinalizerStaysUntilAgentsDetach() throws InterruptedException {
        String ns = fx.cluster().newNamespace("delete");
        String a = ns + "-a", b = ns + "-b";
        Objects.node(admin, a);
        Objects.node(admin, b);
        Objects.annotatedPod(admin, ns, "p1", a, "rr");
        Objects.annotatedPod(admin, ns, "p2", b, "rr");
        Objects.create(admin, Objects.policy(ns, "rr", Objects.ROUND_ROBIN));
        awaitNodeObjects(ns, m -> m.equals(Map.of(a, Set.of("p1"), b, Set.of("p2"))));
        FakeAgent agent = new FakeAgent(admin);
        List<String> objects = PolicyStatusIT.nodeObjects(ns).stream().map(o -> o.getMetadata().getName()).toList();
        objects.forEach(o -> agent.holdFinalizer(ns, o));
        SchedulingPolicy policy = admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr").get();
        assertThat(policy.getMetadata().getFinalizers()).contains(SyrupLabels.POLICY_FINALIZER);

        admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr").delete();
        for (String o : objects) {
            admin.resources(SchedulingPolicyNode.class).inNamespace(ns).withName(o)
                    .waitUntilCondition(n -> n.getMetadata().getDeletionTimestamp() != null, 60, TimeUnit.SECONDS);
        }
        Thread.sleep(2000); // the operator had time to (wrongly) let the policy go
        assertThat(admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr").get()).isNotNull();

        agent.releaseFinalizer(ns, objects.get(0));
        Thread.sleep(2000);
        assertThat(admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr").get())
                .as("one agent still holds its node object").isNotNull();

        agent.releaseFinalizer(ns, objects.get(1));
        admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr")
                .waitUntilCondition(java.util.Objects::isNull, 60, TimeUnit.SECONDS);
        assertThat(PolicyStatusIT.nodeObjects(ns)).isEmpty();
    }

    @Test
    void theOperatorMayNotWriteWhatAgentsOwn() {
        String ns = fx.cluster().newNamespace("rbac");
        String a = ns + "-a";
        Objects.node(admin, a);
        Objects.annotatedPod(admin, ns, "p1", a, "rr");
        Objects.create(admin, Objects.policy(ns, "rr", Objects.ROUND_ROBIN));
        awaitNodeObjects(ns, m -> m.equals(Map.of(a, Set.of("p1"))));
        String obj = PolicyStatusIT.nodeObjects(ns).get(0).getMetadata().getName();
        try (KubernetesClient asOperator = fx.operatorClient()) {
            SchedulingPolicyNode o = admin.resources(SchedulingPolicyNode.class).inNamespace(ns).withName(obj).get();
            SchedulingPolicyNodeStatus st = new SchedulingPolicyNodeStatus();
            st.setSelectedPods(99);
            o.setStatus(st);
            assertThatThrownBy(() -> asOperator.resource(o).updateStatus())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).as(e.toString()).isEqualTo(403));
            assertThatThrownBy(() -> asOperator.secrets().inNamespace(ns).list())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).as(e.toString()).isEqualTo(403));
        }
    }
}
