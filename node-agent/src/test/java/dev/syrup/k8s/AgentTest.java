package dev.syrup.k8s;

import static dev.syrup.testing.k8s.AgentProcess.sample;
import static dev.syrup.testing.k8s.NodeObjects.attached;
import static dev.syrup.testing.k8s.NodeObjects.pod;
import static dev.syrup.testing.k8s.NodeObjects.socketSelect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.crds.SyrupLabels;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodState;
import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.k8s.AgentProcess;
import dev.syrup.testing.k8s.AgentRbac;
import dev.syrup.testing.k8s.FakeKubelet;
import dev.syrup.testing.k8s.NodeObjects;
import dev.syrup.testing.k8s.RealizedPod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The agent alone against a real API server and the real kernel: this test writes the node objects as
 * the operator would, and "pods" are realized on this machine by a FakeKubelet. One agent process (with
 * the chart's RBAC) serves the whole class; the tests run in order, each building on the last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentTest {
    private static final String NODE = "agent-test-node";
    private static final int PORT = 9000;

    private KubeCluster cluster;
    private NodeObjects objects;
    private FakeKubelet kubelet;
    private AgentProcess agent;
    private final List<RealizedPod> pods = new ArrayList<>();
    private RealizedPod podA;
    private RealizedPod podB;
    private SchedulingPolicyNode nodeA;
    private SchedulingPolicyNode nodeB;
    private String deploymentA;

    @BeforeAll
    void startAgent() {
        cluster = KubeCluster.shared();
        Crds.install(cluster.admin());
        String system = cluster.newNamespace("syrup-system");
        Path kubeconfig = AgentRbac.install(cluster, "agent-test", system);
        objects = new NodeObjects(cluster.admin());
        kubelet = new FakeKubelet(cluster.admin(), NODE);
        agent = new AgentProcess(NODE, kubeconfig);
    }

    @AfterAll
    void stop() {
        pods.forEach(RealizedPod::close);
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    @Order(1)
    void roundRobinSteersThePodsTrafficExactlyAndLeavesAnotherPodsPolicyAlone() {
        podA = run(cluster.newNamespace("team-a"), "server");
        podB = run(cluster.newNamespace("team-b"), "server");
        nodeA = objects.create(podA.namespace(), "rr", NODE, example("round_robin.c"), List.of(socketSelect(PORT, 4)),
                null, List.of(podA));
        nodeB = objects.create(podB.namespace(), "zero", NODE, resource("route_to_zero.c"), List.of(socketSelect(PORT, 4)),
                null, List.of(podB));

        SchedulingPolicyNode a = objects.awaitStatus(nodeA, s -> attached(s, 1), agent);
        SchedulingPolicyNode b = objects.awaitStatus(nodeB, s -> attached(s, 1), agent);
        assertThat(a.getMetadata().getFinalizers()).contains(SyrupLabels.AGENT_FINALIZER);
        assertThat(a.getStatus().getPolicyGeneration()).isEqualTo(1L);
        assertThat(a.getStatus().getReason()).isNull();
        assertThat(pod(a.getStatus(), "server").getState()).isEqualTo(PodState.Attached);
        deploymentA = pod(a.getStatus(), "server").getDeployment();
        assertThat(deploymentA).isNotNull().isNotEqualTo(pod(b.getStatus(), "server").getDeployment());

        assertThat(send(podA, 400)).containsExactly(100, 100, 100, 100);
        assertThat(send(podB, 400)).containsExactly(400, 0, 0, 0);
    }

    @Test
    @Order(2)
    void metricsCountDecisionsPerExecutorAndPodsAttached() {
        String text = agent.scrapeMetrics();
        for (int i = 0; i < 4; i++) {
            assertThat(sample(text, "syrup_policy_decisions_total", "namespace=\"" + podA.namespace() + "\"", "executor=\"" + i + "\""))
                    .isEqualTo(100.0);
        }
        assertThat(sample(text, "syrup_policy_decisions_total", "namespace=\"" + podB.namespace() + "\"", "executor=\"0\"")).isEqualTo(400.0);
        assertThat(sample(text, "syrup_policy_fallbacks_total", "namespace=\"" + podA.namespace() + "\"", "")).isEqualTo(0.0);
        assertThat(sample(text, "syrup_pods_attached", "namespace=\"" + podA.namespace() + "\"", "policy=\"rr\"")).isEqualTo(1.0);
    }

    @Test
    @Order(3)
    void aRestartedPodIsAttachedAgain() {
        podA.restart(); // new processes, sockets, network namespace and container id; same pod UID
        SchedulingPolicyNode a = objects.awaitStatus(nodeA, s -> attached(s, 1)
                && !deploymentA.equals(pod(s, "server").getDeployment()), agent);
        assertThat(agent.pinnedDeployments()).hasSize(2); // the old deployment went with the old sandbox
        deploymentA = pod(a.getStatus(), "server").getDeployment();
        assertThat(send(podA, 400)).containsExactly(100, 100, 100, 100);
    }

    @Test
    @Order(4)
    void aContainerRestartedInItsPodIsSteeredAgainOnItsOwnBindsWithTheSameDeploymentAndMaps() {
        podA.restartContainer(6); // the sandbox and its namespace stay; a new container cgroup, 6 sockets
        // kubelet has not reported the restart yet: only the binds tell the agent.
        assertThat(awaitExact(podA, 600, 6)).containsExactly(100, 100, 100, 100, 100, 100);
        podA.reportRestart();
        nodeA = objects.editSpec(nodeA, s -> { }); // a new generation: proves a full pass ran since the report
        SchedulingPolicyNode a = objects.awaitStatus(nodeA, s -> attached(s, 1), agent);
        assertThat(pod(a.getStatus(), "server").getDeployment()).as("the same deployment, not a new one").isEqualTo(deploymentA);
        assertThat(agent.pinnedDeployments()).hasSize(2);
        assertThat(agent.logSinceStart()).doesNotContain("bind watcher not attached");

        podA.restartContainer(4);
        assertThat(awaitExact(podA, 400, 4)).containsExactly(100, 100, 100, 100);
        podA.reportRestart();
    }

    @Test
    @Order(5)
    void aPolicyTheVerifierRejectsIsReportedWithItsLineAndTheRunningOneStays() {
        nodeA = objects.editSpec(nodeA, s -> s.setSource(resource("unchecked_read.c")));
        SchedulingPolicyNode a = objects.awaitStatus(nodeA, s -> "VerifierRejected".equals(s.getReason()), agent);
        assertThat(a.getStatus().getMessage()).containsPattern("^rr\\.c:\\d+: verifier rejected program syrup_socket_select");
        assertThat(a.getStatus().getPolicyGeneration()).isEqualTo(3L);
        assertThat(pod(a.getStatus(), "server").getState()).isEqualTo(PodState.Attached);
        assertThat(pod(a.getStatus(), "server").getDeployment()).isEqualTo(deploymentA);
        assertThat(send(podA, 400)).containsExactly(100, 100, 100, 100);
    }

    @Test
    @Order(6)
    void aNewSourceReplacesThePolicyInPlace() {
        nodeA = objects.editSpec(nodeA, s -> s.setSource(resource("route_to_zero.c")));
        SchedulingPolicyNode a = objects.awaitStatus(nodeA, s -> s.getReason() == null && attached(s, 1), agent);
        assertThat(pod(a.getStatus(), "server").getDeployment()).isEqualTo(deploymentA); // atomic replace
        assertThat(send(podA, 400)).containsExactly(400, 0, 0, 0);
    }

    @Test
    @Order(7)
    void afterSigkillTheRestartedAgentAdoptsWhatIsPinned() {
        Set<Path> before = Set.copyOf(agent.pinnedDeployments());
        agent.kill();
        assertThat(send(podA, 200)).containsExactly(200, 0, 0, 0); // scheduling never stopped
        agent.start();
        assertThat(agent.logSinceStart()).contains("2 pod deployment(s) adopted").doesNotContain("deployed ");
        nodeA = objects.editSpec(nodeA, s -> { });  // a new generation: proves a full pass ran since
        SchedulingPolicyNode a = objects.awaitStatus(nodeA, s -> attached(s, 1), agent);
        assertThat(pod(a.getStatus(), "server").getDeployment()).isEqualTo(deploymentA);
        assertThat(Set.copyOf(agent.pinnedDeployments())).isEqualTo(before);
        assertThat(send(podA, 200)).containsExactly(200, 0, 0, 0);
    }

    @Test
    @Order(8)
    void aPodLeavingTheSpecIsDetached() {
        nodeB = objects.editSpec(nodeB, s -> s.setPods(List.of()));
        objects.awaitStatus(nodeB, s -> s.getSelectedPods() == 0, agent);
        assertThat(agent.pinnedDeployments()).hasSize(1);
        // Linux's own hash again: the datagrams of 8 flows spread over more than one socket.
        assertThat(send(podB, 400)).satisfies(c -> assertThat(c[0]).isLessThan(400));
    }

    @Test
    @Order(9)
    void deletingTheNodeObjectsDetachesEverythingAndDropsTheFinalizer() {
        objects.delete(nodeA);
        objects.delete(nodeB);
        objects.awaitGone(nodeA, agent);
        objects.awaitGone(nodeB, agent);
        assertThat(agent.pinnedDeployments()).isEmpty();
        assertThat(agent.pinnedDispatchers()).isEmpty();
        assertThat(send(podA, 400)).satisfies(c -> assertThat(c[0]).isLessThan(400));
    }

    private RealizedPod run(String namespace, String name) {
        RealizedPod p = kubelet.runPod(namespace, name, PORT, 4);
        pods.add(p);
        return p;
    }

    /**
     * Sends n datagrams until they are spread over the pod's sockets evenly (round robin over all of
     * them): the follower takes a restarted container's sockets a moment after they are bound. The
     * last counts if that never happens within 10 s.
     */
    private static long[] awaitExact(RealizedPod pod, int n, int sockets) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long[] counts;
        do {
            counts = send(pod, n);
        } while (!(counts.length == sockets && Arrays.stream(counts).allMatch(c -> c == n / sockets))
                && System.nanoTime() < deadline);
        return counts;
    }

    /** Sends n datagrams from 8 source ports inside the pod's namespace to its port; the counts per socket. */
    static long[] send(RealizedPod pod, int n) {
        pod.workers().reset();
        UdpSender.to("127.0.0.1", pod.port()).in(pod.netns()).count(n).srcPorts(8).run();
        return pod.workers().awaitTotal(n, Duration.ofSeconds(10));
    }



    static String example(String name) {
        return read(Path.of(System.getProperty("syrup.examples"), "policies", name));
    }

    static String resource(String name) {
        return read(Path.of("src/test/resources/policies", name));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
