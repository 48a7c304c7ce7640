package dev.syrup.e2e.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.helm.testing.Chart;
import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.k8s.AgentProcess;
import dev.syrup.testing.k8s.AgentRbac;
import dev.syrup.testing.k8s.FakeKubelet;
import dev.syrup.testing.k8s.NodeObjects;
import dev.syrup.testing.k8s.RealizedPod;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Operator + agent + a real API server + the real kernel, each process with its chart RBAC: a
 * SchedulingPolicy applied as YAML and a pod annotated to opt in end with Ready=True and exact steering;
 * deleting the policy removes the node object and every finalizer, and nothing stays in bpffs.
 * Skipped while this checkout has no built operator (operator/target/quarkus-app).
 */
class OperatorAgentTest {
    private static final String NODE = "e2e-node";
    private static final int PORT = 9300;

    @Test
    void appliedPolicyIsReadyAndSteersThenDeletionCleansUp() throws IOException {
        Path jar = OperatorProcess.jar().orElseThrow(() -> new IllegalStateException(
                "the operator is not built in this checkout (operator/target/quarkus-app): build the reactor first"));
        KubeCluster cluster = KubeCluster.shared();
        cluster.withGarbageCollection();
        KubernetesClient admin = cluster.admin();
        Crds.install(admin);
        String system = cluster.newNamespace("syrup-system");
        Path agentKubeconfig = AgentRbac.install(cluster, "e2e", system);
        Path operatorKubeconfig = installOperatorRbac(cluster, "e2e", system);
        FakeKubelet kubelet = new FakeKubelet(admin, NODE);
        String ns = cluster.newNamespace("shop");
        Path dir = Files.createTempDirectory("syrup-e2e-k8s");
        try (AgentProcess agent = new AgentProcess(NODE, agentKubeconfig);
             OperatorProcess operator = OperatorProcess.start(jar, operatorKubeconfig, system, dir);
             RealizedPod pod = kubelet.runPod(ns, "server", PORT, 4)) {
            String source = Files.readString(Path.of(System.getProperty("syrup.examples"), "policies", "round_robin.c"));
            admin.resource("""
                    apiVersion: syrup.dev/v1alpha1
                    kind: SchedulingPolicy
                    metadata: {name: rr, namespace: %s}
                    spec:
                      hooks: [{type: socket-select, port: %d, executors: 4}]
                      source: |
                    %s
                    """.formatted(ns, PORT, source.indent(4))).create();
            admin.pods().inNamespace(ns).withName("server")
                    .edit(p -> { p.getMetadata().getAnnotations().put(SyrupLabels.POLICY_ANNOTATION, "rr"); return p; });

            await(() -> ready(admin, ns), "Ready=True on policy rr", operator, agent);
            pod.workers().reset();
            UdpSender.to("127.0.0.1", PORT).in(pod.netns()).count(400).srcPorts(8).run();
            assertThat(pod.workers().awaitTotal(400, Duration.ofSeconds(10))).containsExactly(100, 100, 100, 100);

            admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr").delete();
            await(() -> admin.resources(SchedulingPolicyNode.class).inNamespace(ns).list().getItems().isEmpty()
                    && admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr").get() == null,
                    "policy and node objects gone", operator, agent);
            assertThat(agent.pinnedDeployments()).isEmpty();
            assertThat(agent.pinnedDispatchers()).isEmpty();
        }
    }

    private static boolean ready(KubernetesClient admin, String ns) {
        SchedulingPolicy p = admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr").get();
        return p != null && p.getStatus() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The chart's operator RBAC, and a kubeconfig of its service account. */
    private static Path installOperatorRbac(KubeCluster cluster, String release, String namespace) {
        List<HasMetadata> rbac = Chart.rbac(release, namespace, Map.of()).stream()
                .filter(o -> o.getMetadata().getName().contains("operator")).toList();
        rbac.forEach(o -> cluster.admin().resource(o).forceConflicts().serverSideApply());
        String sa = rbac.stream().filter(o -> o.getKind().equals("ServiceAccount")).map(o -> o.getMetadata().getName())
                .findFirst().orElseThrow(() -> new AssertionError("the chart has no operator service account"));
        return cluster.kubeconfigAs(namespace, sa);
    }

    private static void await(BooleanSupplier condition, String what, OperatorProcess operator, AgentProcess agent) {
        Instant deadline = Instant.now().plus(NodeObjects.WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no " + what + " within " + NodeObjects.WAIT.toSeconds() + " s"
                        + "\n--- operator log (tail) ---\n" + NodeObjects.tail(operator.log())
                        + "\n--- agent log (tail) ---\n" + NodeObjects.tail(agent.log()));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
