package dev.syrup.k8s;

import static dev.syrup.k8s.AgentTest.example;
import static dev.syrup.testing.k8s.NodeObjects.attached;
import static dev.syrup.testing.k8s.NodeObjects.socketSelect;

import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import dev.syrup.testing.SyrupdProcess;
import dev.syrup.testing.k8s.AgentProcess;
import dev.syrup.testing.k8s.AgentRbac;
import dev.syrup.testing.k8s.FakeKubelet;
import dev.syrup.testing.k8s.NodeObjects;
import dev.syrup.testing.k8s.RealizedPod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Policy applied -> attached on the node: the time from writing a SchedulingPolicyNode for a running
 * pod until its status says Attached, with a warm compile cache (the same source every run) and a cold
 * one (a source never seen: a comment with a fresh nonce changes its hash). Each run deletes the
 * object and waits until the agent has detached. Run with {@code make bench-agent} (RUNS=20).
 */
@EnabledIfSystemProperty(named = "syrup.bench.attachRuns", matches = "\\d+")
class AttachLatencyBench {
    private static final String NODE = "bench-node";

    @Test
    void policyAppliedToAttached() {
        int runs = Integer.getInteger("syrup.bench.attachRuns");
        KubeCluster cluster = KubeCluster.shared();
        Crds.install(cluster.admin());
        Path kubeconfig = AgentRbac.install(cluster, "bench", cluster.newNamespace("syrup-system"));
        FakeKubelet kubelet = new FakeKubelet(cluster.admin(), NODE);
        NodeObjects objects = new NodeObjects(cluster.admin());
        String source = example("round_robin.c");
        try (AgentProcess agent = new AgentProcess(NODE, kubeconfig, SyrupdProcess.tempDir("syrup-bench-cache"));
             RealizedPod pod = kubelet.runPod(cluster.newNamespace("bench"), "server", 9200, 4)) {
            once(objects, agent, pod, source); // compiles round_robin.c: the warm runs find it cached
            long[] warm = new long[runs];
            long[] cold = new long[runs];
            for (int i = 0; i < runs; i++) {
                warm[i] = once(objects, agent, pod, source);
                cold[i] = once(objects, agent, pod, source + "\n/* " + UUID.randomUUID() + " */\n");
            }
            report("warm compile cache", warm);
            report("cold compile cache", cold);
        }
    }

    /** Writes the node object, waits for Attached, deletes it and waits until it is gone; the first wait in ms. */
    private static long once(NodeObjects objects, AgentProcess agent, RealizedPod pod, String source) {
        long t0 = System.nanoTime();
        SchedulingPolicyNode obj = objects.create(pod.namespace(), "rr", NODE, source, List.of(socketSelect(pod.port(), 4)),
                null, List.of(pod));
        objects.awaitStatus(obj, s -> attached(s, 1), agent);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        objects.delete(obj);
        objects.awaitGone(obj, agent);
        return ms;
    }

    private static void report(String what, long[] ms) {
        long[] s = ms.clone();
        Arrays.sort(s);
        List<String> all = new ArrayList<>();
        for (long v : ms) {
            all.add(Long.toString(v));
        }
        System.out.printf("ATTACH %s: runs=%d p50=%d ms p99=%d ms min=%d ms max=%d ms all=%s%n", what, s.length,
                percentile(s, 50), percentile(s, 99), s[0], s[s.length - 1], String.join(",", all));
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
