package dev.syrup.k8s;

import static dev.syrup.testing.k8s.NodeObjects.attached;
import static dev.syrup.testing.k8s.NodeObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.PolicyHook;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNode;
import dev.syrup.crds.v1alpha1.SchedulingPolicyNodeStatus.PodState;
import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.SyrupdProcess;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.Veth;
import dev.syrup.testing.XskWorkers;
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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A SchedulingPolicyNode with an xdp-socket hook: the pod's interface is one end of a veth pair whose other
 * end is in a namespace standing for the node, and a second container of the pod runs xsk_workers, four
 * AF_XDP sockets on that interface. The pod's first container (udp_workers, an ordinary UDP socket on the
 * same port) holds no AF_XDP socket, so the agent must find the process that does. The tests run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentXdpSocketHookTest {
    private static final String NODE = "agent-xsk-node";
    private static final int PORT = 9386;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private NodeObjects objects;
    private AgentProcess agent;
    private RealizedPod pod;
    private NetNs node;
    private Veth veth;
    private Path xskContainer;
    private XskWorkers app;
    private SchedulingPolicyNode obj;
    private String deployment;

    @BeforeAll
    void start() {
        KubeCluster cluster = KubeCluster.shared();
        Crds.install(cluster.admin());
        Path kubeconfig = AgentRbac.install(cluster, "agent-xsk-test", cluster.newNamespace("syrup-system"));
        objects = new NodeObjects(cluster.admin());
        FakeKubelet kubelet = new FakeKubelet(cluster.admin(), NODE);
        agent = new AgentProcess(NODE, kubeconfig);
        pod = kubelet.runPod(cluster.newNamespace("team-x"), "afxdp", PORT, 1);
        node = NetNs.create();
        veth = Veth.connect(node, pod.netns());
        xskContainer = pod.podCgroup().resolve("cri-containerd-xsk.scope");
        startApp();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {app, () -> rmdir(xskContainer), pod, node, agent}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort: the next resource still gets closed
            }
        }
    }

    @Test
    @Order(1)
    void thePodWaitsForItsSocketsThenRoundRobinGivesEachExactlyItsShare() {
        PolicyHook hook = new PolicyHook(HookType.XDP_SOCKET, PORT);
        hook.setInterface(veth.ifB());
        hook.setExecutors(8);
        obj = objects.create(pod.namespace(), "xsk-rr", NODE, AgentTest.example("round_robin.c"), List.of(hook), null,
                List.of(pod));
        SchedulingPolicyNode waiting = objects.awaitStatus(obj, s -> pod(s, "afxdp") != null
                && pod(s, "afxdp").getState() == PodState.Pending, agent);
        assertThat(pod(waiting.getStatus(), "afxdp").getMessage())
                .isEqualTo("waiting for 8 AF_XDP sockets in process " + app.pid() + " (4 open)");
        assertThat(xdpProgramOnPodInterface()).isFalse();

        obj = objects.editSpec(obj, s -> s.getHooks().get(0).setExecutors(4));
        SchedulingPolicyNode a = objects.awaitStatus(obj, s -> attached(s, 1), agent);
        assertThat(pod(a.getStatus(), "afxdp").getState()).isEqualTo(PodState.Attached);
        deployment = pod(a.getStatus(), "afxdp").getDeployment();
        assertThat(deployment).isNotNull();
        assertThat(xdpProgramOnPodInterface()).isTrue();

        assertThat(send(400)).containsExactly(100, 100, 100, 100);
        assertThat(pod.workers().counts()).as("nothing passed to the pod's UDP socket").containsExactly(0);
    }

    @Test
    @Order(2)
    void aRestartedAfXdpApplicationIsAttachedAgainWithItsNewSockets() {
        app.close();
        startApp(); // a new process with new sockets: the old ones left the XSKMAP when they closed
        SchedulingPolicyNode a = objects.awaitStatus(obj, s -> attached(s, 1)
                && !deployment.equals(pod(s, "afxdp").getDeployment()), agent);
        deployment = pod(a.getStatus(), "afxdp").getDeployment();
        assertThat(agent.pinnedDeployments()).hasSize(1);
        assertThat(send(400)).containsExactly(100, 100, 100, 100);
    }

    @Test
    @Order(3)
    void deletingTheNodeObjectLeavesNoXdpProgramOnThePodsInterface() {
        objects.delete(obj);
        objects.awaitGone(obj, agent);
        assertThat(agent.pinnedDeployments()).isEmpty();
        assertThat(xdpProgramOnPodInterface()).isFalse();

        // The kernel's stack has the port again: the pod's UDP socket gets every datagram, the AF_XDP sockets none.
        long atSockets = Arrays.stream(app.counts()).sum();
        pod.workers().reset();
        UdpSender.to(veth.addrB(), PORT).in(node).count(100).srcPorts(4).run();
        assertThat(pod.workers().awaitTotal(100, WAIT)).containsExactly(100);
        assertThat(Arrays.stream(app.counts()).sum()).isEqualTo(atSockets);
    }

    /**
     * Starts xsk_workers with 4 sockets on the pod's interface, as a second container of the pod. The
     * kernel frees a closed application's UMEM a little later (and while the agent holds a copy of the
     * sockets to look at them): until then binding queue 0 again fails with EBUSY, and the new
     * application tries again, as a real one restarting would.
     */
    private void startApp() {
        for (int attempt = 1; ; attempt++) {
            try {
                app = XskWorkers.start(pod.netns(), veth.ifB(), 4);
                break;
            } catch (IllegalStateException e) {
                if (attempt == 50 || !String.valueOf(e.getMessage()).contains("Device or resource busy")) {
                    throw e;
                }
                SyrupdProcess.sleep(100);
            }
        }
        try {
            Files.createDirectories(xskContainer);
            Files.writeString(xskContainer.resolve("cgroup.procs"), Long.toString(app.pid()));
        } catch (IOException e) {
            throw new UncheckedIOException("moving xsk_workers into " + xskContainer, e);
        }
    }

    /** Sends n datagrams from 4 source ports in the node's namespace to the pod's port; the counts per AF_XDP socket. */
    private long[] send(int n) {
        UdpSender.to(veth.addrB(), PORT).in(node).count(n).srcPorts(4).run();
        return app.awaitTotal(n, WAIT); // a fresh application: it counts from zero
    }

    private boolean xdpProgramOnPodInterface() {
        return pod.netns().run("ip", "link", "show", "dev", veth.ifB()).contains(" xdp");
    }

    private static void rmdir(Path dir) {
        // A cgroup goes once its processes are gone; a killed process may take a moment to leave.
        for (int i = 0; i < 100 && Files.exists(dir); i++) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                SyrupdProcess.sleep(20);
            }
        }
    }
}
