package dev.syrup.e2e.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus;
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
 * SchedulingPolicy applied as YAML and a pod annotated to opt in end with Ready=True and exact steering,
 * while a pod of another namespace follows its own policy on the same port; a restarted pod is attached
 * again; deleting a policy removes its node object and every finalizer and leaves the other policy
 * running, and once both are gone nothing stays in bpffs.
 */
class OperatorAgentTest {
    private static final String NODE = "e2e-node";
    private static final int PORT = 9300;

    @Test
    void policiesAreReadyAndSteerPerNamespaceSurviveAPodRestartAndLeaveNothingWhenDeleted() throws IOException {
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
        String otherNs = cluster.newNamespace("search");
        try (AgentProcess agent = new AgentProcess(NODE, agentKubeconfig);
             OperatorProcess operator = OperatorProcess.start(jar, operatorKubeconfig, system, dir);
             RealizedPod pod = kubelet.runPod(ns, "server", PORT, 4);
             RealizedPod other = kubelet.runPod(otherNs, "server", PORT, 4)) {
            String source = Files.readString(Path.of(System.getProperty("syrup.examples"), "policies", "round_robin.c"));
            apply(admin, ns, "rr", source);
            annotate(admin, ns, "rr");
            // Another team's pod, same port, its own policy: everything to socket 0.
            apply(admin, otherNs, "zero", "#include \"syrup.h\"\nuint32_t schedule(void *s, void *e) { return 0; }\n");
            annotate(admin, otherNs, "zero");

            await(() -> ready(admin, ns, "rr") && ready(admin, otherNs, "zero"), "Ready=True on both policies", operator, agent);
            assertThat(send(pod, 400)).containsExactly(100, 100, 100, 100);
            assertThat(send(other, 400)).as("the other namespace's pod follows its own policy").containsExactly(400, 0, 0, 0);

            // The pod restarts (new processes, sockets and network namespace; same pod): attached again.
            String before = deployment(admin, ns);
            pod.restart();
            await(() -> { String now = deployment(admin, ns); return now != null && !now.equals(before) && ready(admin, ns, "rr"); },
                    "the restarted pod attached again", operator, agent);
            assertThat(send(pod, 400)).containsExactly(100, 100, 100, 100);

            admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr").delete();
            await(() -> admin.resources(SchedulingPolicyNode.class).inNamespace(ns).list().getItems().isEmpty()
                    && admin.resources(SchedulingPolicy.class).inNamespace(ns).withName("rr").get() == null,
                    "policy rr and its node objects gone", operator, agent);
            assertThat(agent.pinnedDeployments()).as("only the other namespace's deployment is left").hasSize(1);
            assertThat(send(other, 400)).containsExactly(400, 0, 0, 0);

            admin.resources(SchedulingPolicy.class).inNamespace(otherNs).withName("zero").delete();
            await(() -> admin.resources(SchedulingPolicyNode.class).inNamespace(otherNs).list().getItems().isEmpty()
                    && admin.resources(SchedulingPolicy.class).inNamespace(otherNs).withName("zero").get() == null,
                    "policy zero and its node objects gone", operator, agent);
            assertThat(agent.pinnedDeployments()).isEmpty();
            assertThat(agent.pinnedDispatchers()).isEmpty();
        }
    }

    private static void apply(KubernetesClient admin, String ns, String name, String source) {
        admin.resource("""
                apiVersion: syrup.dev/v1alpha1
                kind: SchedulingPolicy
                metadata: {name: %s, namespace: %s}
                spec:
                  hooks: [{type: socket-select, port: %d, executors: 4}]
                  source: |
                %s
                """.formatted(name, ns, PORT, source.indent(4))).create();
    }

    private static void annotate(KubernetesClient admin, String ns, String policy) {
        admin.pods().inNamespace(ns).withName("server")
                .edit(p -> { p.getMetadata().getAnnotations().put(SyrupLabels.POLICY_ANNOTATION, policy); return p; });
    }

    /** Datagrams from 8 source ports inside the pod's namespace to its port: the count per socket. */
    private static long[] send(RealizedPod pod, int n) {
        pod.workers().reset();
        UdpSender.to("127.0.0.1", PORT).in(pod.netns()).count(n).srcPorts(8).run();
        return pod.workers().awaitTotal(n, Duration.ofSeconds(10));
    }

    /** The syrupd deployment the agent reports for the pod "server" of the namespace, or null. */
    private static String deployment(KubernetesClient admin, String ns) {
        return admin.resources(SchedulingPolicyNode.class).inNamespace(ns).list().getItems().stream()
                .filter(o -> o.getStatus() != null && o.getStatus().getPods() != null)
                .flatMap(o -> o.getStatus().getPods().stream())
                .filter(a -> "server".equals(a.getName()) && a.getState() == SchedulingPolicyNodeStatus.PodState.Attached)
                .map(SchedulingPolicyNodeStatus.PodAttachment::getDeployment).findFirst().orElse(null);
    }

    private static boolean ready(KubernetesClient admin, String ns, String name) {
        SchedulingPolicy p = admin.resources(SchedulingPolicy.class).inNamespace(ns).withName(name).get();
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
