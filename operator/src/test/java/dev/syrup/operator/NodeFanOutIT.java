package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.PodSelector;
import dev.syrup.crds.v1alpha1.PolicyConditions;
import dev.syrup.crds.v1alpha1.PolicySourceFrom;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.operator.testing.FakeAgent;
import dev.syrup.operator.testing.Objects;
import dev.syrup.operator.testing.OperatorFixture;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static dev.syrup.operator.PolicyStatusIT.assertCondition;
import static dev.syrup.operator.PolicyStatusIT.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Node objects follow the selected pods and the nodes: annotations, pod selectors, deletions, Node objects, ConfigMaps. */
class NodeFanOutIT {
    static OperatorFixture fx;
    static KubernetesClient admin;

    @BeforeAll
    static void start() {
        fx = OperatorFixture.shared();
        admin = fx.admin();
        PolicyStatusIT.start();
    }

    @Test
    void nodeObjectsFollowAnnotatedPods() {
        String ns = fx.cluster().newNamespace("annot");
        String a = ns + "-a", b = ns + "-b";
        Objects.node(admin, a);
        Objects.node(admin, b);
        Objects.create(admin, Objects.policy(ns, "rr", Objects.ROUND_ROBIN));
        Objects.annotatedPod(admin, ns, "p1", a, "rr");
        awaitNodeObjects(ns, m -> m.equals(Map.of(a, Set.of("p1"))));

        Objects.annotatedPod(admin, ns, "p2", b, null);
        admin.pods().inNamespace(ns).withName("p2").edit(p -> {
            p.getMetadata().setAnnotations(Map.of("syrup.dev/policy", "rr"));
            return p;
        });
        Objects.annotatedPod(admin, ns, "p3", b, "rr");
        awaitNodeObjects(ns, m -> m.equals(Map.of(a, Set.of("p1"), b, Set.of("p2", "p3"))));

        admin.pods().inNamespace(ns).withName("p2").edit(p -> {
            p.getMetadata().setAnnotations(Map.of());
            return p;
        });
        awaitNodeObjects(ns, m -> m.equals(Map.of(a, Set.of("p1"), b, Set.of("p3"))));

        // A finished pod is not targeted; a deleted one neither.
        admin.pods().inNamespace(ns).withName("p3").editStatus(p -> {
            p.setStatus(new PodStatusBuilder().withPhase("Succeeded").build());
            return p;
        });
        awaitNodeObjects(ns, m -> m.equals(Map.of(a, Set.of("p1"))));
        admin.pods().inNamespace(ns).withName("p1").withGracePeriod(0).delete();
        awaitNodeObjects(ns, Map::isEmpty);
        SchedulingPolicy p = await(ns, "rr", s -> s.getSelectedPods() == 0);
        assertCondition(p, PolicyConditions.READY, "False", "NoPods");
        assertThat(PolicyStatusIT.reasons(ns)).contains("NodeObjectsCreated", "NodeObjectsDeleted");
    }

    @Test
    void nodeObjectsFollowNodes() {
        String ns = fx.cluster().newNamespace("nodes");
        String late = ns + "-late";
        Objects.create(admin, Objects.policy(ns, "rr", Objects.ROUND_ROBIN));
        Objects.annotatedPod(admin, ns, "p1", late, "rr"); // bound to a node that does not exist (yet)
        await(ns, "rr", s -> s.getConditions() != null && !s.getConditions().isEmpty());
        assertThat(nodeObjects(ns)).isEmpty();

        Objects.node(admin, late);
        awaitNodeObjects(ns, m -> m.equals(Map.of(late, Set.of("p1"))));
        String obj = nodeObjects(ns).get(0).getMetadata().getName();
        new FakeAgent(admin).holdFinalizer(ns, obj);

        // The node goes away with its agent: the operator deletes the object and releases the agent's finalizer.
        admin.nodes().withName(late).delete();
        admin.resources(SchedulingPolicyNode.class).inNamespace(ns).withName(obj).waitUntilCondition(java.util.Objects::isNull,
                60, TimeUnit.SECONDS);
        SchedulingPolicy p = await(ns, "rr", s -> s.getNodes() == 0);
        assertCondition(p, PolicyConditions.READY, "False", "NoPods");
    }

    @Test
    void podSelectorSelectsByLabels() {
        String ns = fx.cluster().newNamespace("selector");
        String a = ns + "-a";
        Objects.node(admin, a);
        SchedulingPolicy policy = Objects.policy(ns, "sel", Objects.ROUND_ROBIN);
        PodSelector selector = new PodSelector(Map.of("app", "kv"));
        selector.setMatchExpressions(List.of(new LabelSelectorRequirementBuilder().withKey("tier").withOperator("In")
                .withValues("front", "edge").build()));
        policy.getSpec().setPodSelector(selector);
        Objects.create(admin, policy);
        Objects.pod(admin, ns, "kv-front", a, Map.of("app", "kv", "tier", "front"), null);
        Objects.pod(admin, ns, "kv-back", a, Map.of("app", "kv", "tier", "back"), null);
        Objects.pod(admin, ns, "web-front", a, Map.of("app", "web", "tier", "front"), null);
        awaitNodeObjects(ns, m -> m.equals(Map.of(a, Set.of("kv-front"))));

        admin.pods().inNamespace(ns).withName("kv-back").edit(p -> {
            p.getMetadata().getLabels().put("tier", "edge");
            return p;
        });
        awaitNodeObjects(ns, m -> m.equals(Map.of(a, Set.of("kv-front", "kv-back"))));
        admin.pods().inNamespace(ns).withName("kv-front").edit(p -> {
            p.getMetadata().getLabels().remove("app");
            return p;
        });
        awaitNodeObjects(ns, m -> m.equals(Map.of(a, Set.of("kv-back"))));
    }

    @Test
    void configMapSourceAndItsEdits() {
        String ns = fx.cluster().newNamespace("cm");
        String a = ns + "-a";
        Objects.node(admin, a);
        admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("policies").endMetadata()
                .addToData("rr.c", Objects.ROUND_ROBIN).build()).create();
        SchedulingPolicy policy = Objects.policy(ns, "rr", null);
        PolicySourceFrom from = new PolicySourceFrom();
        from.setConfigMapKeyRef(new PolicySourceFrom.ConfigMapKey("policies", "rr.c"));
        policy.getSpec().setSourceFrom(from);
        Objects.create(admin, policy);
        Objects.annotatedPod(admin, ns, "p1", a, "rr");
        awaitNodeObjects(ns, m -> m.equals(Map.of(a, Set.of("p1"))));
        assertThat(nodeObjects(ns).get(0).getSpec().getSource()).isEqualTo(Objects.ROUND_ROBIN);

        String edited = Objects.ROUND_ROBIN.replace("% syrup_executors()", "% 2");
        admin.configMaps().inNamespace(ns).withName("policies").edit(cm -> {
            cm.getData().put("rr.c", edited);
            return cm;
        });
        SchedulingPolicyNode o = admin.resources(SchedulingPolicyNode.class).inNamespace(ns)
                .withName(nodeObjects(ns).get(0).getMetadata().getName())
                .waitUntilCondition(n -> n != null && edited.equals(n.getSpec().getSource()), 60, TimeUnit.SECONDS);
        assertThat(o.getSpec().getSourceHash()).hasSize(64);

        // A broken edit: reported with the ConfigMap key's name and line, nodes keep the last good source.
        admin.configMaps().inNamespace(ns).withName("policies").edit(cm -> {
            cm.getData().put("rr.c", "#include \"syrup.h\"\nuint32_t schedule(void *a, void *b) { return nope; }\n");
            return cm;
        });
        SchedulingPolicy p = await(ns, "rr", s -> s.condition(PolicyConditions.COMPILED) != null
                && "False".equals(s.condition(PolicyConditions.COMPILED).getStatus()));
        assertThat(p.getStatus().condition(PolicyConditions.COMPILED).getMessage()).contains("policies/rr.c:2:").contains("nope");
        assertThat(nodeObjects(ns).get(0).getSpec().getSource()).isEqualTo(edited);

        admin.configMaps().inNamespace(ns).withName("policies").delete();
        p = await(ns, "rr", s -> "False".equals(s.condition(PolicyConditions.ACCEPTED).getStatus()));
        assertCondition(p, PolicyConditions.ACCEPTED, "False", "SourceNotFound");
        assertThat(p.getStatus().condition(PolicyConditions.ACCEPTED).getMessage()).contains("ConfigMap " + ns + "/policies");
    }

    /** Waits until the namespace's node objects, as node -> pod names, satisfy ok. */
    static void awaitNodeObjects(String ns, Predicate<Map<String, Set<String>>> ok) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<String, Set<String>> seen = Map.of();
        while (System.nanoTime() < deadline) {
            seen = nodeObjects(ns).stream().filter(o -> o.getMetadata().getDeletionTimestamp() == null)
                    .collect(Collectors.toMap(o -> o.getSpec().getNodeName(),
                            o -> o.getSpec().getPods().stream().map(r -> r.getName()).collect(Collectors.toSet())));
            if (ok.test(seen)) {
                return;
            }
            sleep(200);
        }
        throw new AssertionError("node objects in " + ns + " did not reach the expected state; last seen " + seen);
    }

    static List<SchedulingPolicyNode> nodeObjects(String ns) { return PolicyStatusIT.nodeObjects(ns); }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
