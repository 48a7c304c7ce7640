package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.PolicyConditions;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.operator.testing.FakeAgent;
import dev.syrup.operator.testing.Metrics;
import dev.syrup.operator.testing.Objects;
import dev.syrup.operator.testing.OperatorFixture;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

import static dev.syrup.operator.NodeFanOutIT.awaitNodeObjects;
import static dev.syrup.operator.PolicyStatusIT.assertCondition;
import static dev.syrup.operator.PolicyStatusIT.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One reconcile writes many node objects side by side: every object ends up right, each is written exactly once per
 * change (the operator's own write and request counters), deletions and status aggregation work over all of them.
 */
class ParallelNodeWritesIT {
    static final int NODES = 120;
    static final String NODE_PATCHES = "resource=\"schedulingpolicynodes\",verb=\"patch\"";
    static final String NODE_DELETES = "resource=\"schedulingpolicynodes\",verb=\"delete\"";
    static OperatorFixture fx;
    static KubernetesClient admin;

    @BeforeAll
    static void start() {
        fx = OperatorFixture.shared();
        admin = fx.admin();
        PolicyStatusIT.start();
    }

    @Test
    void manyNodesConvergeAndEachObjectIsWrittenOncePerChange() throws Exception {
        String ns = fx.cluster().newNamespace("parallel");
        parallel(NODES, i -> Objects.node(admin, ns + "-n" + i));
        // Node i runs p<i>, and q<i> too unless it is one of the first third (which lose their only pod later).
        int single = NODES / 3;
        int pods = 2 * NODES - single;
        parallel(NODES, i -> Objects.annotatedPod(admin, ns, "p" + i, ns + "-n" + i, "rr"));
        parallel(NODES - single, i -> Objects.annotatedPod(admin, ns, "q" + (single + i), ns + "-n" + (single + i), "rr"));
        Map<String, Set<String>> expected = new HashMap<>();
        for (int i = 0; i < NODES; i++) {
            expected.put(ns + "-n" + i, i < single ? Set.of("p" + i) : Set.of("p" + i, "q" + i));
        }

        // All pods are there before the policy: its first reconcile creates every node object, once.
        Counts before = Counts.now();
        Objects.create(admin, Objects.policy(ns, "rr", Objects.ROUND_ROBIN));
        awaitNodeObjects(ns, expected::equals);
        await(ns, "rr", s -> s.getNodes() != null && s.getNodes() == NODES && s.getSelectedPods() == pods);
        Thread.sleep(2000); // a duplicate write would have been sent by now
        Counts created = Counts.now().minus(before);
        assertThat(created.creates).as("node objects created").isEqualTo(NODES);
        assertThat(created.updates).as("node objects updated").isZero();
        assertThat(created.patches).as("applies sent").isEqualTo(NODES);
        assertThat(PolicyStatusIT.nodeObjects(ns)).allSatisfy(o -> assertThat(o.getMetadata().getGeneration()).isEqualTo(1L));

        // A new source: every object is rewritten, once.
        before = Counts.now();
        admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr").edit(p -> {
            p.getSpec().setSource(Objects.ROUND_ROBIN + "// v2\n");
            return p;
        });
        awaitAll(ns, o -> o.getSpec().getSource().endsWith("// v2\n") && o.getSpec().getPolicyGeneration() == 2L);
        Thread.sleep(2000);
        Counts edited = Counts.now().minus(before);
        assertThat(edited.updates).as("node objects updated").isEqualTo(NODES);
        assertThat(edited.creates).as("node objects created").isZero();
        assertThat(edited.patches).as("applies sent").isEqualTo(NODES);
        assertThat(PolicyStatusIT.nodeObjects(ns)).allSatisfy(o -> assertThat(o.getMetadata().getGeneration()).isEqualTo(2L));

        // The agents report: the status counts every pod of every node.
        FakeAgent agent = new FakeAgent(admin);
        List<String> names = PolicyStatusIT.nodeObjects(ns).stream().map(o -> o.getMetadata().getName()).toList();
        parallel(names.size(), i -> agent.attachAll(ns, names.get(i)));
        SchedulingPolicy p = await(ns, "rr", s -> s.getAttachedPods() != null && s.getAttachedPods() == pods);
        assertCondition(p, PolicyConditions.READY, "True", "Attached");
        assertThat(p.getStatus().getNodes()).isEqualTo(NODES);

        // The first third of the nodes lose their only pod: exactly their objects are deleted, the others are left alone.
        before = Counts.now();
        parallel(single, i -> admin.pods().inNamespace(ns).withName("p" + i).withGracePeriod(0).delete());
        Map<String, Set<String>> left = new HashMap<>(expected);
        for (int i = 0; i < single; i++) {
            left.remove(ns + "-n" + i);
        }
        awaitNodeObjects(ns, left::equals);
        await(ns, "rr", s -> s.getNodes() == NODES - single && s.getAttachedPods() == pods - single);
        Thread.sleep(2000);
        Counts shrunk = Counts.now().minus(before);
        assertThat(shrunk.deletes).as("node objects deleted").isEqualTo(single);
        assertThat(shrunk.deleteRequests).as("deletes sent").isEqualTo(single);
        assertThat(shrunk.patches).as("applies sent").isZero();

        // The policy goes: all its objects are deleted side by side, then the policy itself.
        before = Counts.now();
        admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr").delete();
        admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr").waitUntilCondition(java.util.Objects::isNull,
                120, TimeUnit.SECONDS);
        assertThat(PolicyStatusIT.nodeObjects(ns)).isEmpty();
        assertThat(Counts.now().minus(before).deleteRequests).as("deletes sent").isEqualTo(NODES - single);
    }

    @Test
    void aBurstOfPodsIsWrittenInFewPasses() throws Exception {
        String ns = fx.cluster().newNamespace("burst");
        int nodes = 20, pods = 400;
        parallel(nodes, i -> Objects.node(admin, ns + "-n" + i));
        Objects.create(admin, Objects.policy(ns, "rr", Objects.ROUND_ROBIN));
        await(ns, "rr", s -> s.getConditions() != null && !s.getConditions().isEmpty());

        Counts before = Counts.now();
        parallel(pods, i -> Objects.annotatedPod(admin, ns, "p" + i, ns + "-n" + (i % nodes), "rr"));
        Map<String, Set<String>> expected = new HashMap<>();
        for (int i = 0; i < pods; i++) {
            expected.computeIfAbsent(ns + "-n" + (i % nodes), n -> new HashSet<>()).add("p" + i);
        }
        awaitNodeObjects(ns, expected::equals);
        await(ns, "rr", s -> s.getSelectedPods() == pods && s.getNodes() == nodes);
        Thread.sleep(2000);
        Counts burst = Counts.now().minus(before);
        assertThat(burst.creates).as("node objects created").isEqualTo(nodes);
        // Written once per pass over the burst, not once per pod.
        assertThat(burst.patches).as("applies sent for " + pods + " pods on " + nodes + " nodes").isLessThanOrEqualTo(pods / 2);
    }

    /** Waits until the namespace has NODES node objects and every one satisfies ok. */
    static void awaitAll(String ns, Predicate<SchedulingPolicyNode> ok) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        List<SchedulingPolicyNode> seen = List.of();
        while (System.nanoTime() < deadline) {
            seen = PolicyStatusIT.nodeObjects(ns);
            if (seen.size() == NODES && seen.stream().allMatch(ok)) {
                return;
            }
            NodeFanOutIT.sleep(200);
        }
        throw new AssertionError("node objects in " + ns + " did not all change: " + seen.stream().filter(ok.negate()).count()
                + " of " + seen.size() + " not yet");
    }

    /** The operator's counters: its node object writes by operation, and the requests it sent for node objects. */
    record Counts(double creates, double updates, double deletes, double patches, double deleteRequests) {
        static Counts now() {
            String m = fx.operator().metrics();
            String writes = "syrup_policy_node_object_writes_total";
            String requests = "syrup_operator_api_requests_total";
            return new Counts(Metrics.sum(m, writes, "op=\"create\""),
                    Metrics.sum(m, writes, "op=\"update\""),
                    Metrics.sum(m, writes, "op=\"delete\""),
                    Metrics.sum(m, requests, NODE_PATCHES),
                    Metrics.sum(m, requests, NODE_DELETES));
        }

        Counts minus(Counts o) {
            return new Counts(creates - o.creates, updates - o.updates, deletes - o.deletes, patches - o.patches,
                    deleteRequests - o.deleteRequests);
        }
    }

    /** Runs task(0..n-1) with 16 requests in flight. */
    static void parallel(int n, IntConsumer task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> task.accept(k)));
            }
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
