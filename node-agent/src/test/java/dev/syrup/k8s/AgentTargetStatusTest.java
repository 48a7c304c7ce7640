package dev.syrup.k8s;

import static dev.syrup.testing.k8s.AgentProcess.sample;
import static dev.syrup.testing.k8s.NodeObjects.pod;
import static dev.syrup.testing.k8s.NodeObjects.socketSelect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodState;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.TargetState;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.TargetStatus;
import dev.syrup.crds.v1alpha1.TransportProtocol;
import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import dev.syrup.testing.SyrupdProcess;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import dev.syrup.testing.k8s.AgentProcess;
import dev.syrup.testing.k8s.AgentRbac;
import dev.syrup.testing.k8s.FakeKubelet;
import dev.syrup.testing.k8s.NodeObjects;
import dev.syrup.testing.k8s.RealizedPod;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What the node object's status and the agent's metrics say of a socket-select target while the pod's
 * server stops and starts again with another number of workers (the pod's sandbox keeps its network
 * namespace meanwhile): a real API server, the agent in its own process, real sockets and datagrams.
 * The tests run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentTargetStatusTest {
    private static final String NODE = "target-status-node";
    private static final int PORT = 9151;

    private KubeCluster cluster;
    private NodeObjects objects;
    private AgentProcess agent;
    private RealizedPod pod;
    private UdpWorkers server;
    private SchedulingPolicyNode node;
    private String deployment;
    private Instant changedAt;

    @BeforeAll
    void startAgent() {
        cluster = KubeCluster.shared();
        Crds.install(cluster.admin());
        String system = cluster.newNamespace("syrup-system");
        Path kubeconfig = AgentRbac.install(cluster, "target-status-test", system);
        objects = new NodeObjects(cluster.admin());
        agent = new AgentProcess(NODE, kubeconfig);
        pod = new FakeKubelet(cluster.admin(), NODE).runPod(cluster.newNamespace("team-status"), "server", PORT, 4);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (pod != null) {
            pod.close();
        }
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    @Order(1)
    void anAttachedTargetShowsItsLiveExecutors() {
        node = objects.create(pod.namespace(), "rr", NODE, AgentTest.example("round_robin.c"),
                List.of(socketSelect(PORT, 4)), null, List.of(pod));
        SchedulingPolicyNode n = objects.awaitStatus(node, s -> is(s, TargetState.Attached, 4), agent);
        TargetStatus t = target(n.getStatus());
        assertThat(t.getHook()).isEqualTo(HookType.SOCKET_SELECT);
        assertThat(t.getProtocol()).isEqualTo(TransportProtocol.UDP);
        assertThat(t.getPort()).isEqualTo(PORT);
        assertThat(t.getMessage()).isNull();
        deployment = pod(n.getStatus(), "server").getDeployment();
        changedAt = Instant.parse(t.getChangedAt());

        assertThat(targetMetrics()).isEqualTo(Map.of("live", 4.0, "attached", 1.0, "waiting", 0.0, "failed", 0.0));
        assertThat(send(pod.workers(), 400)).containsExactly(100, 100, 100, 100);
    }

    @Test
    @Order(2)
    void theStatusIsNotWrittenAgainWhileNothingChanges() {
        String version = objects.get(node).getMetadata().getResourceVersion();
        SyrupdProcess.sleep(3500); // three resync passes
        assertThat(objects.get(node).getMetadata().getResourceVersion()).isEqualTo(version);
    }

    @Test
    @Order(3)
    void aStoppedServerLeavesTheTargetWaitingWithNoLiveExecutors() {
        pod.workers().close();
        SchedulingPolicyNode n = objects.awaitStatus(node, s -> is(s, TargetState.Waiting, 0), agent);
        SchedulingPolicyNodeStatus.PodAttachment a = pod(n.getStatus(), "server");
        assertThat(a.getState()).isEqualTo(PodState.Attached); // the deployment stays, for the server's return
        assertThat(a.getDeployment()).isEqualTo(deployment);
        Instant waitingSince = Instant.parse(target(n.getStatus()).getChangedAt());
        assertThat(waitingSince).isAfter(changedAt);
        changedAt = waitingSince;

        assertThat(targetMetrics()).isEqualTo(Map.of("live", 0.0, "attached", 0.0, "waiting", 1.0, "failed", 0.0));
    }

    @Test
    @Order(4)
    void startedAgainWithTwoWorkersItIsAttachedToTheNewSockets() {
        server = UdpWorkers.on("0.0.0.0", PORT).in(pod.netns()).inCgroup(pod.containerCgroup()).sockets(2).start();
        SchedulingPolicyNode n = objects.awaitStatus(node, s -> is(s, TargetState.Attached, 2), agent);
        assertThat(pod(n.getStatus(), "server").getDeployment()).isEqualTo(deployment);
        assertThat(Instant.parse(target(n.getStatus()).getChangedAt())).isAfter(changedAt);

        assertThat(targetMetrics()).isEqualTo(Map.of("live", 2.0, "attached", 1.0, "waiting", 0.0, "failed", 0.0));
        assertThat(send(server, 400)).containsExactly(200, 200);
    }

    private static boolean is(SchedulingPolicyNodeStatus s, TargetState state, int live) {
        TargetStatus t = target(s);
        return t != null && t.getState() == state && t.getLiveExecutors() == live;
    }

    private static TargetStatus target(SchedulingPolicyNodeStatus s) {
        SchedulingPolicyNodeStatus.PodAttachment a = pod(s, "server");
        return a == null || a.getTargets() == null || a.getTargets().size() != 1 ? null : a.getTargets().get(0);
    }

    /** Sends n datagrams from 8 source ports inside the pod's namespace to its port; the counts per socket. */
    private long[] send(UdpWorkers workers, int n) {
        workers.reset();
        UdpSender.to("127.0.0.1", PORT).in(pod.netns()).count(n).srcPorts(8).run();
        return workers.awaitTotal(n, Duration.ofSeconds(10));
    }

    /** The target's gauges: "live" executors and, per state, 1 or 0. */
    private Map<String, Double> targetMetrics() {
        String text = agent.scrapeMetrics();
        String labels = "namespace=\"" + pod.namespace() + "\"";
        return Map.of("live", sample(text, "syrup_target_live_executors", labels, "port=\"" + PORT + "\""),
                "attached", sample(text, "syrup_target_state", labels, "state=\"attached\""),
                "waiting", sample(text, "syrup_target_state", labels, "state=\"waiting\""),
                "failed", sample(text, "syrup_target_state", labels, "state=\"failed\""));
    }
}
