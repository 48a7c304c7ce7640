package dev.syrup.k8s;

import static dev.syrup.k8s.AgentTest.example;
import static dev.syrup.k8s.AgentTest.send;
import static dev.syrup.testing.k8s.NodeObjects.attached;
import static dev.syrup.testing.k8s.NodeObjects.pod;
import static dev.syrup.testing.k8s.NodeObjects.socketSelect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.crds.v1alpha1.MapEntries;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import dev.syrup.testing.Exec;
import dev.syrup.testing.k8s.AgentProcess;
import dev.syrup.testing.k8s.AgentRbac;
import dev.syrup.testing.k8s.FakeKubelet;
import dev.syrup.testing.k8s.NodeObjects;
import dev.syrup.testing.k8s.RealizedPod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The agent's socket as pods see it: a process inside the selected pod (its cgroup) reads and writes
 * its policy's maps with the syrup CLI; a process of another pod is refused, and a pod may not deploy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodMapAccessTest {
    private static final String NODE = "map-access-node";

    private AgentProcess agent;
    private final List<RealizedPod> pods = new ArrayList<>();
    private RealizedPod selected;
    private RealizedPod other;
    private String deployment;

    @BeforeAll
    void deployForOnePod() {
        KubeCluster cluster = KubeCluster.shared();
        Crds.install(cluster.admin());
        Path kubeconfig = AgentRbac.install(cluster, "map-access", cluster.newNamespace("syrup-system"));
        FakeKubelet kubelet = new FakeKubelet(cluster.admin(), NODE);
        agent = new AgentProcess(NODE, kubeconfig);
        selected = kubelet.runPod(cluster.newNamespace("tenant"), "app", 9100, 4);
        pods.add(selected);
        other = kubelet.runPod(cluster.newNamespace("neighbour"), "app", 9100, 4);
        pods.add(other);
        NodeObjects objects = new NodeObjects(cluster.admin());
        // Initial entries from the spec: everything to socket 2 until the application says otherwise.
        SchedulingPolicyNode obj = objects.create(selected.namespace(), "pick", NODE, example("choose_from_map.c"),
                List.of(socketSelect(9100, 4)), List.of(new MapEntries("choice", List.of(new MapEntries.MapEntry("0", "2")))),
                List.of(selected));
        deployment = pod(objects.awaitStatus(obj, s -> attached(s, 1), agent).getStatus(), "app").getDeployment();
    }

    @AfterAll
    void stop() {
        pods.forEach(RealizedPod::close);
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void theSelectedPodReadsAndWritesItsPolicysMaps() {
        assertThat(send(selected, 100)).containsExactly(0, 0, 100, 0); // the spec's initial entry
        assertThat(syrup(selected, "map", "get", deployment, "choice", "0").stdout().strip()).isEqualTo("2");
        assertThat(syrup(selected, "map", "set", deployment, "choice", "0", "3").ok()).isTrue();
        assertThat(send(selected, 100)).containsExactly(0, 0, 0, 100);
        Exec.Result list = syrup(selected, "list");
        assertThat(list.stdout()).contains(deployment);
    }

    @Test
    void anotherPodIsRefused() {
        Exec.Result get = syrup(other, "map", "get", deployment, "choice", "0");
        assertThat(get.exitCode()).isEqualTo(1);
        assertThat(get.stderr()).contains("does not target your pod");
        Exec.Result set = syrup(other, "map", "set", deployment, "choice", "0", "0");
        assertThat(set.exitCode()).isEqualTo(1);
        assertThat(syrup(other, "list").stdout()).doesNotContain(deployment);
        assertThat(send(selected, 100)[0]).isZero(); // the refused write changed nothing
    }

    @Test
    void aPodMayNotDeployOrRemove() {
        Exec.Result deploy = syrup(other, "deploy", Path.of(System.getProperty("syrup.examples"), "policies", "round_robin.c").toString(),
                "--hook", "socket-select", "--port", "9100");
        assertThat(deploy.exitCode()).isEqualTo(1);
        assertThat(deploy.stderr()).contains("not open to pods");
        Exec.Result remove = syrup(selected, "remove", deployment);
        assertThat(remove.exitCode()).isEqualTo(1);
        assertThat(agent.pinnedDeployments()).hasSize(1);
    }

    /** Runs the syrup CLI inside pod (its cgroup and network namespace), talking to the agent's socket. */
    private Exec.Result syrup(RealizedPod pod, String... args) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.syrup.cli.Syrup"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = pod.command(argv);
        pb.environment().put("SYRUP_SOCKET", agent.socket.toString());
        return Exec.run(pb, Duration.ofSeconds(60));
    }
}
