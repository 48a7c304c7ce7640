package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.PolicyConditions;
import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyRules;
import dev.syrup.crds.v1alpha1.SchedulingPolicyStatus;
import dev.syrup.operator.testing.Objects;
import dev.syrup.operator.testing.OperatorFixture;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The administrator's SchedulingPolicyRules as the packaged operator enforces them on a real API server: hook types
 * by namespace (names and labels), the policy-count and map-memory limits. A refused policy says why in its status
 * and in an Event, and never has a node object.
 */
class TenancyRulesIT {
    static OperatorFixture fx;
    static KubernetesClient admin;

    private static final String THREAD_POLICY = """
            #include "syrup.h"

            uint32_t schedule_thread(const struct syrup_thread *t)
            {
            	return t->tid % syrup_executors();
            }
            """;

    @BeforeAll
    static void start() {
        fx = OperatorFixture.shared();
        admin = fx.admin();
        deleteRules();
    }

    @AfterEach
    void noRulesLeft() {
        deleteRules(); // back to the built-in defaults for the other tests of this API server
    }

    @Test
    void aThreadPolicyIsRefusedUntilTheAdministratorAllowsItsNamespace() {
        String ns = fx.cluster().newNamespace("thread");
        String node = ns + "-n";
        Objects.node(admin, node);
        Objects.annotatedPod(admin, ns, "p1", node, "pin");
        SchedulingPolicy policy = Objects.policy(ns, "pin", THREAD_POLICY);
        policy.getSpec().setHooks(List.of(new PolicyHook(HookType.THREAD, null)));
        Objects.create(admin, policy);

        // No rules object: thread is off by default.
        SchedulingPolicy p = await(ns, "pin", accepted("False"));
        Condition c = p.getStatus().condition(PolicyConditions.ACCEPTED);
        assertThat(c.getReason()).isEqualTo(PolicyAdmission.HOOK_NOT_ALLOWED);
        assertThat(c.getMessage()).contains("namespace " + ns).contains("thread hook").contains("SchedulingPolicyRules \"default\"")
                .contains("spec.hooks.thread");
        assertThat(p.getStatus().condition(PolicyConditions.READY).getReason()).isEqualTo(PolicyAdmission.HOOK_NOT_ALLOWED);
        assertThat(warnings(ns)).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo(PolicyAdmission.HOOK_NOT_ALLOWED);
            assertThat(e.getNote()).contains(ns).contains("thread");
            assertThat(e.getRegarding().getName()).isEqualTo("pin");
        });
        // Another reconcile (a second selected pod) still writes nothing for the nodes.
        Objects.annotatedPod(admin, ns, "p2", node, "pin");
        await(ns, "pin", s -> s.getSelectedPods() == 2);
        assertThat(nodeObjects(ns)).isEmpty();

        // Rules that allow thread elsewhere only: still refused, and the message says where it is allowed.
        applyRules("spec:\n  hooks:\n    thread: {namespaces: [some-other-team]}\n");
        await(ns, "pin", s -> message(s).contains("some-other-team"));
        assertThat(nodeObjects(ns)).isEmpty();

        // The administrator lists the namespace: accepted, and its node object appears.
        applyRules("spec:\n  hooks:\n    thread: {namespaces: [some-other-team, " + ns + "]}\n");
        p = await(ns, "pin", s -> "True".equals(cond(s, PolicyConditions.ACCEPTED).getStatus()) && s.getNodes() == 1);
        assertThat(p.getStatus().condition(PolicyConditions.COMPILED).getStatus()).isEqualTo("True");
        List<SchedulingPolicyNode> objects = awaitNodeObjects(ns, 1);
        assertThat(objects.get(0).getSpec().getHooks()).extracting(PolicyHook::getType).containsExactly(HookType.THREAD);
        SchedulingPolicyRules rules = admin.resources(SchedulingPolicyRules.class).withName("default")
                .waitUntilCondition(r -> r.getStatus() != null && java.util.Objects.equals(r.getStatus().getObservedGeneration(),
                        r.getMetadata().getGeneration()), 30, TimeUnit.SECONDS);
        assertThat(rules.getStatus().getObservedGeneration()).as("the operator reports the rules it enforces").isEqualTo(2L);

        // The administrator takes it back: refused again, and its node object is removed.
        applyRules("spec:\n  hooks:\n    thread: {namespaces: [some-other-team]}\n");
        await(ns, "pin", accepted("False"));
        awaitNodeObjects(ns, 0);
        assertThat(warnings(ns)).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("NodeObjectsDeleted"));

        // Allowed by the namespace's labels instead of its name.
        applyRules("spec:\n  hooks:\n    thread: {namespaceSelector: {matchLabels: {syrup.dev/thread: allowed}}}\n");
        await(ns, "pin", s -> message(s).contains("namespaces labelled syrup.dev/thread=allowed"));
        admin.namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().put("syrup.dev/thread", "allowed");
            return n;
        });
        await(ns, "pin", accepted("True"));
        awaitNodeObjects(ns, 1);
    }

    @Test
    void anXdpSocketPolicyIsOffByDefaultAndNotAdmittedByAnXdpCpuRule() {
        String ns = fx.cluster().newNamespace("afxdp");
        String node = ns + "-n";
        Objects.node(admin, node);
        Objects.annotatedPod(admin, ns, "p1", node, "xsk");
        SchedulingPolicy policy = Objects.policy(ns, "xsk", Objects.ROUND_ROBIN);
        PolicyHook hook = new PolicyHook(HookType.XDP_SOCKET, 4791);
        hook.setInterface("net1");
        hook.setExecutors(4);
        policy.getSpec().setHooks(List.of(hook));
        Objects.create(admin, policy);

        SchedulingPolicy p = await(ns, "xsk", accepted("False"));
        assertThat(p.getStatus().condition(PolicyConditions.ACCEPTED).getReason()).isEqualTo(PolicyAdmission.HOOK_NOT_ALLOWED);
        assertThat(message(p.getStatus())).contains("xdp-socket hook").contains("spec.hooks.xdp-socket");
        assertThat(nodeObjects(ns)).isEmpty();

        // Both attach XDP to the pod's interface, but each hook type has its own rule.
        applyRules("spec:\n  hooks:\n    xdp-cpu: {namespaces: [" + ns + "]}\n");
        await(ns, "xsk", s -> message(s).contains("spec.hooks.xdp-socket, not set"));
        assertThat(nodeObjects(ns)).isEmpty();

        applyRules("spec:\n  hooks:\n    xdp-socket: {namespaces: [" + ns + "]}\n");
        p = await(ns, "xsk", s -> "True".equals(cond(s, PolicyConditions.ACCEPTED).getStatus()) && s.getNodes() == 1);
        assertThat(p.getStatus().condition(PolicyConditions.COMPILED).getStatus()).as("compiled for the xdp-socket hook")
                .isEqualTo("True");
        List<PolicyHook> hooks = awaitNodeObjects(ns, 1).get(0).getSpec().getHooks();
        assertThat(hooks).containsExactly(hook);
    }

    @Test
    void aNamespaceOverItsPolicyLimitHasItsNewestPolicyRefused() {
        String ns = fx.cluster().newNamespace("count");
        String node = ns + "-n";
        Objects.node(admin, node);
        applyRules("spec:\n  limits:\n    policies: 100\n    overrides: [{namespace: " + ns + ", policies: 2}]\n");
        for (String name : List.of("a", "b", "c")) {
            Objects.annotatedPod(admin, ns, "pod-" + name, node, name);
            Objects.create(admin, Objects.policy(ns, name, Objects.ROUND_ROBIN));
        }

        SchedulingPolicy c = await(ns, "c", accepted("False"));
        Condition refused = c.getStatus().condition(PolicyConditions.ACCEPTED);
        assertThat(refused.getReason()).isEqualTo(PolicyAdmission.LIMIT_EXCEEDED);
        assertThat(refused.getMessage()).contains("namespace " + ns + " may have 2 SchedulingPolicies")
                .contains("spec.limits.overrides[namespace=" + ns + "].policies").contains("a, b");
        await(ns, "a", accepted("True"));
        await(ns, "b", accepted("True"));
        assertThat(awaitNodeObjects(ns, 2)).extracting(o -> o.getSpec().getPolicy()).containsExactlyInAnyOrder("a", "b");
        assertThat(warnings(ns)).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo(PolicyAdmission.LIMIT_EXCEEDED);
            assertThat(e.getRegarding().getName()).isEqualTo("c");
        });

        // Deleting an older policy frees its share: the refused one is accepted and reaches its node.
        admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("a").delete();
        await(ns, "c", accepted("True"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!nodeObjects(ns).stream().map(o -> o.getSpec().getPolicy()).sorted().toList().equals(List.of("b", "c"))
                && System.nanoTime() < deadline) {
            sleep(200);
        }
        assertThat(nodeObjects(ns)).extracting(o -> o.getSpec().getPolicy()).containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void aPolicyWhoseMapsExceedTheNamespacesMapMemoryIsRefused() {
        String ns = fx.cluster().newNamespace("maps");
        String node = ns + "-n";
        Objects.node(admin, node);
        applyRules("spec:\n  limits:\n    overrides: [{namespace: " + ns + ", mapBytes: 1048576}]\n");
        Objects.annotatedPod(admin, ns, "pod-small", node, "small");
        Objects.annotatedPod(admin, ns, "pod-big", node, "big");
        Objects.create(admin, Objects.policy(ns, "small", Objects.ROUND_ROBIN));
        await(ns, "small", accepted("True"));
        Objects.create(admin, Objects.policy(ns, "big", """
                #include "syrup.h"

                SYRUP_ARRAY(weights, __u64, 1 << 20);

                uint32_t schedule(void *pkt_start, void *pkt_end)
                {
                	return 0;
                }
                """));

        SchedulingPolicy big = await(ns, "big", accepted("False"));
        Condition refused = big.getStatus().condition(PolicyConditions.ACCEPTED);
        assertThat(refused.getReason()).isEqualTo(PolicyAdmission.LIMIT_EXCEEDED);
        assertThat(refused.getMessage()).containsPattern("the policy's maps take 12[56][0-9]{5} bytes")
                .contains("namespace " + ns + " may have 1048576 bytes of maps")
                .contains("spec.limits.overrides[namespace=" + ns + "].mapBytes");
        assertThat(big.getStatus().condition(PolicyConditions.COMPILED).getStatus()).as("it compiled; the limit refused it")
                .isEqualTo("True");
        assertThat(awaitNodeObjects(ns, 1)).extracting(o -> o.getSpec().getPolicy()).containsExactly("small");
        assertThat(warnings(ns)).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo(PolicyAdmission.LIMIT_EXCEEDED);
            assertThat(e.getRegarding().getName()).isEqualTo("big");
        });

        // Room for it once the administrator raises the limit.
        applyRules("spec:\n  limits:\n    overrides: [{namespace: " + ns + ", mapBytes: 33554432}]\n");
        await(ns, "big", accepted("True"));
        awaitNodeObjects(ns, 2);
    }

    private static void applyRules(String spec) {
        admin.resource("apiVersion: syrup.dev/v1alpha1\nkind: SchedulingPolicyRules\nmetadata:\n  name: default\n" + spec)
                .forceConflicts().serverSideApply();
    }

    private static void deleteRules() {
        admin.resources(SchedulingPolicyRules.class).withName("default").delete();
        admin.resources(SchedulingPolicyRules.class).withName("default").waitUntilCondition(java.util.Objects::isNull, 30, TimeUnit.SECONDS);
    }

    private static Predicate<SchedulingPolicyStatus> accepted(String status) {
        return s -> cond(s, PolicyConditions.ACCEPTED) != null && status.equals(cond(s, PolicyConditions.ACCEPTED).getStatus());
    }

    private static Condition cond(SchedulingPolicyStatus s, String type) { return s.condition(type); }

    private static String message(SchedulingPolicyStatus s) {
        Condition c = s.condition(PolicyConditions.ACCEPTED);
        return c == null || c.getMessage() == null ? "" : c.getMessage();
    }

    static SchedulingPolicy await(String ns, String name, Predicate<SchedulingPolicyStatus> ok) {
        return admin.resources(SchedulingPolicy.class).inNamespace(ns).withName(name)
                .waitUntilCondition(p -> p != null && p.getStatus() != null && ok.test(p.getStatus()), 60, TimeUnit.SECONDS);
    }

    static List<SchedulingPolicyNode> nodeObjects(String ns) {
        return admin.resources(SchedulingPolicyNode.class).inNamespace(ns).list().getItems();
    }

    static List<SchedulingPolicyNode> awaitNodeObjects(String ns, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<SchedulingPolicyNode> objects = nodeObjects(ns);
        while (objects.size() != count && System.nanoTime() < deadline) {
            sleep(200);
            objects = nodeObjects(ns);
        }
        assertThat(objects).as("node objects of " + ns).hasSize(count);
        return objects;
    }

    static List<Event> warnings(String ns) {
        return admin.events().v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType())).toList();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
