package dev.syrup.operator.bench;

import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.operator.testing.Metrics;
import dev.syrup.operator.testing.Objects;
import dev.syrup.operator.testing.OperatorFixture;
import dev.syrup.operator.testing.OperatorProcess;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Control plane scale (make bench-operator): NODES Node objects and PODS annotated pods spread evenly over them, one
 * policy; time until every node object is correct, the operator's heap after a full GC, and the API requests the
 * operator sent (its own request counter). Not part of the test run: make bench-operator runs it.
 */
class ControlPlaneScaleBenchIT {
    static final int NODES = Integer.getInteger("syrup.bench.nodes", 1000);
    static final int PODS = Integer.getInteger("syrup.bench.pods", 10_000);
    static final int PARALLEL = Integer.getInteger("syrup.bench.parallel", 32);
    static final Pattern REQUESTS = Pattern.compile("^syrup_operator_api_requests_total\\{resource=\"([^\"]*)\",verb=\"([^\"]*)\"} (\\S+)$",
            Pattern.MULTILINE);

    @Test
    void thousandNodesTenThousandPods() throws Exception {
        OperatorFixture fx = OperatorFixture.shared();
        KubernetesClient admin = fx.admin();
        OperatorProcess op = fx.operator();
        String ns = fx.cluster().newNamespace("bench");
        Objects.create(admin, Objects.policy(ns, "rr", Objects.ROUND_ROBIN));
        admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr")
                .waitUntilCondition(p -> p.getStatus() != null && p.getStatus().getObservedGeneration() != null, 60, TimeUnit.SECONDS);
        Map<String, Double> before = requests(op.metrics());
        double reconcilesBefore = op.metric("reconciliations_started_total", "");

        long t0 = System.nanoTime();
        String run = ns;
        parallel(NODES, i -> Objects.node(admin, run + "-node-" + i));
        long nodesCreated = System.nanoTime();
        parallel(PODS, i -> Objects.annotatedPod(admin, ns, "pod-" + i, run + "-node-" + (i % NODES), "rr"));
        long podsCreated = System.nanoTime();

        int perNode = PODS / NODES;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        int correct = 0;
        while (System.nanoTime() < deadline) {
            List<SchedulingPolicyNode> objects = admin.resources(SchedulingPolicyNode.class).inNamespace(ns).list().getItems();
            correct = (int) objects.stream().filter(o -> o.getSpec().getPods().size() == perNode
                    && o.getSpec().getPods().stream().allMatch(r -> r.getUid() != null)).count();
            if (objects.size() == NODES && correct == NODES) {
                break;
            }
            Thread.sleep(1000);
        }
        long done = System.nanoTime();
        assertThat(correct).as("correct node objects").isEqualTo(NODES);
        SchedulingPolicy p = admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr")
                .waitUntilCondition(x -> x.getStatus().getSelectedPods() == PODS && x.getStatus().getNodes() == NODES, 10, TimeUnit.MINUTES);
        long statusDone = System.nanoTime();
        Thread.sleep(5000); // let the last coalesced reconciles finish before counting
        String metrics = op.metrics();
        Map<String, Double> after = requests(metrics);
        double reconciles = Metrics.sum(metrics, "reconciliations_started_total", "") - reconcilesBefore;

        new ProcessBuilder("jcmd", Long.toString(op.pid()), "GC.run").redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
        Thread.sleep(1000);
        double heap = Metrics.sum(op.metrics(), "jvm_memory_used_bytes", "area=\"heap\"");

        StringBuilder out = new StringBuilder();
        out.append("Control plane scale: ").append(NODES).append(" nodes, ").append(PODS).append(" annotated pods, 1 policy (")
                .append(Instant.now()).append(")\n");
        out.append(String.format("  create nodes: %.1f s, create pods: %.1f s (%d parallel requests)%n", sec(t0, nodesCreated),
                sec(nodesCreated, podsCreated), PARALLEL));
        out.append(String.format("  all node objects correct: %.1f s after the first Node was created, %.1f s after the last pod%n",
                sec(t0, done), sec(podsCreated, done)));
        out.append(String.format("  policy status counts all pods (selectedPods=%d, nodes=%d): %.1f s after the last pod%n",
                p.getStatus().getSelectedPods(), p.getStatus().getNodes(), sec(podsCreated, statusDone)));
        out.append(String.format("  operator heap after full GC: %.1f MiB%n", heap / (1 << 20)));
        out.append(String.format("  reconciles: %.0f%n", reconciles));
        double total = 0;
        Map<String, Double> delta = new TreeMap<>();
        for (var e : after.entrySet()) {
            double d = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            if (d > 0) {
                delta.put(e.getKey(), d);
                total += d;
            }
        }
        out.append(String.format("  API requests by the operator: %.0f%n", total));
        delta.forEach((k, v) -> out.append(String.format("    %-45s %8.0f%n", k, v)));
        System.out.println(out);
        Files.writeString(Path.of("target", "bench-control-plane.txt"), out);
    }

    interface Task {
        void run(int i) throws Exception;
    }

    static void parallel(int n, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    task.run(k);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** "verb resource" -> count. */
    static Map<String, Double> requests(String metrics) {
        Map<String, Double> m = new TreeMap<>();
        Matcher x = REQUESTS.matcher(metrics);
        while (x.find()) {
            m.put(x.group(2) + " " + x.group(1), Double.parseDouble(x.group(3)));
        }
        return m;
    }

    static double sec(long from, long to) { return Duration.ofNanos(to - from).toMillis() / 1000.0; }
}
