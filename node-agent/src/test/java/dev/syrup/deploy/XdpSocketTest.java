package dev.syrup.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syrup.api.Json;
import dev.syrup.bpf.Netns;
import dev.syrup.hook.DecisionStats;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.TargetUnavailableException;
import dev.syrup.hook.XdpCpuTarget;
import dev.syrup.hook.XdpSocketTarget;
import dev.syrup.node.DeploymentRecord;
import dev.syrup.testing.Exec;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import dev.syrup.testing.Veth;
import dev.syrup.testing.XskWorkers;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * xdp-socket on the real kernel: packets cross a veth pair between two namespaces to xsk_workers,
 * an AF_XDP application whose sockets share queue 0 and one UMEM (copy mode); the policy picks the
 * socket, and the application counts what each of its sockets received.
 */
class XdpSocketTest {
    private static final int PORT = 9370;
    private static final int OTHER_PORT = 9371;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void roundRobinGivesEachOfFourSocketsExactlyItsShare() {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            try (XskWorkers app = XskWorkers.start(b, veth.ifB(), 4)) {
                XdpSocketTarget target = target(b, veth, PORT, app);
                Deployment d = agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(target));

                UdpSender.to(veth.addrB(), PORT).in(a).count(400).srcPorts(4).run();

                assertThat(app.awaitTotal(400, WAIT)).containsExactly(100, 100, 100, 100);
                assertThat(agent.deployer.stats(d.id(), target).perExecutor()).containsExactly(100, 100, 100, 100);
            }
        }
    }

    @Test
    void firstPayloadByteNamesTheSocketAndPassReachesTheKernelStack() {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            try (XskWorkers app = XskWorkers.start(b, veth.ifB(), 4);
                 UdpWorkers udp = UdpWorkers.start(b, veth.addrB(), PORT, 1)) {
                XdpSocketTarget target = target(b, veth, PORT, app);
                Deployment d = agent.deployer.deploy(TestAgent.example("route_by_first_byte.c"), List.of(target));

                // Byte 9 names no socket: route_by_first_byte.c passes it to the kernel's stack.
                UdpSender.to(veth.addrB(), PORT).in(a).count(500).srcPorts(4).payloadCycle(0, 1, 2, 3, 9).run();

                assertThat(app.awaitTotal(400, WAIT)).containsExactly(100, 100, 100, 100);
                for (int i = 0; i < 4; i++) {
                    assertThat(app.histogram(i)).containsExactly(Map.entry(i, 100L));
                }
                assertThat(udp.awaitTotal(100, WAIT)).containsExactly(100);
                assertThat(udp.histogram(0)).containsExactly(Map.entry(9, 100L));
                assertThat(agent.deployer.stats(d.id(), target).pass()).isEqualTo(100);
            }
        }
    }

    @Test
    void aRestartedAgentAdoptsTheDeploymentFromItsRecordAndReplacesItUnderTraffic() throws Exception {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            try (XskWorkers app = XskWorkers.start(b, veth.ifB(), 2)) {
                XdpSocketTarget target = target(b, veth, PORT, app);
                Deployment d = agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(target));
                String json = Json.MAPPER.writeValueAsString(DeploymentRecord.of(d, DeploymentRecord.Owner.ofCaller(0, "/")));

                Deployer restarted = new Deployer(agent.layout, agent.compiler, agent.sdk, Netns.XDP_MODE_AUTO);
                Deployment adopted = Json.MAPPER.readValue(json, DeploymentRecord.class).toDeployment();
                assertThat(adopted.targets()).containsExactly(target);
                restarted.adopt(adopted);
                UdpSender.to(veth.addrB(), PORT).in(a).count(100).srcPorts(4).run();
                assertThat(app.awaitTotal(100, WAIT)).containsExactly(50, 50);

                // Replaced while packets flow: the new policy keeps the sockets, and every packet reaches
                // one of them, none lost and none left to the kernel.
                CompletableFuture<UdpSender.Result> traffic = CompletableFuture.supplyAsync(() ->
                        UdpSender.to(veth.addrB(), PORT).in(a).count(2000).payloadCycle(0, 1).intervalUs(500).run());
                Thread.sleep(300);
                restarted.replace(d.id(), TestAgent.example("route_by_first_byte.c"));
                assertThat(traffic.get(30, TimeUnit.SECONDS).sent()).isEqualTo(2000);
                assertThat(Arrays.stream(app.awaitTotal(2100, WAIT)).sum()).isEqualTo(2100);
                DecisionStats stats = restarted.stats(d.id(), target);
                assertThat(stats.pass() + stats.fallback() + stats.drop()).isZero();
                assertThat(Arrays.stream(stats.perExecutor()).sum()).isEqualTo(2100);
                restarted.remove(d.id());
                assertThat(xdpProgramOn(b, veth.ifB())).isFalse();
            }
        }
    }

    @Test
    void aClosedSocketsPacketsFallBackToTheKernel() {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            XdpSocketTarget target;
            Deployment d;
            try (XskWorkers app = XskWorkers.start(b, veth.ifB(), 2)) {
                target = target(b, veth, PORT, app);
                d = agent.deployer.deploy(TestAgent.example("route_by_first_byte.c"), List.of(target));
            }
            // The application exited: its sockets left the map, and the policy's choices fall back to PASS.
            try (UdpWorkers udp = UdpWorkers.start(b, veth.addrB(), PORT, 1)) {
                UdpSender.to(veth.addrB(), PORT).in(a).count(100).payloadCycle(0, 1).run();
                assertThat(udp.awaitTotal(100, WAIT)).containsExactly(100);
                assertThat(agent.deployer.stats(d.id(), target).fallback()).isEqualTo(100);
            }
        }
    }

    @Test
    void anIndexOutOfRangeFallsBackToTheKernel() {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            try (XskWorkers app = XskWorkers.start(b, veth.ifB(), 2);
                 UdpWorkers udp = UdpWorkers.start(b, veth.addrB(), PORT, 1)) {
                XdpSocketTarget target = target(b, veth, PORT, app);
                Deployment d = agent.deployer.deploy(TestAgent.testPolicy("out_of_range.c"), List.of(target));

                UdpSender.to(veth.addrB(), PORT).in(a).count(100).run();

                assertThat(udp.awaitTotal(100, WAIT)).containsExactly(100);
                assertThat(app.counts()).containsExactly(0, 0);
                assertThat(agent.deployer.stats(d.id(), target).fallback()).isEqualTo(100);
            }
        }
    }

    @Test
    void twoApplicationsOnTwoPortsOfOneInterfaceSeeOnlyTheirOwnPackets() {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            // A queue takes the AF_XDP sockets of one UMEM only: each application binds a queue of its
            // own, and each port's packets are sent from the CPU whose TX queue leads to it.
            Veth veth = Veth.connect(a, b, 2);
            veth.mapTxQueuesToCpus(2);
            try (XskWorkers first = XskWorkers.start(b, veth.ifB(), 2);
                 XskWorkers second = XskWorkers.start(b, veth.ifB(), 1, 2)) {
                agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(target(b, veth, PORT, first)));
                agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(target(b, veth, OTHER_PORT, second)));

                UdpSender.to(veth.addrB(), PORT).in(a).count(200).srcPorts(4).onCpu(0).run();
                UdpSender.to(veth.addrB(), OTHER_PORT).in(a).count(300).srcPorts(4).onCpu(1).run();

                assertThat(first.awaitTotal(200, WAIT)).containsExactly(100, 100);
                assertThat(second.awaitTotal(300, WAIT)).containsExactly(150, 150);
            }
        }
    }

    @Test
    void xdpSocketAndXdpCpuShareTheInterfacesDispatcherAndRemoveRestoresIt() {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            try (XskWorkers app = XskWorkers.start(b, veth.ifB(), 2);
                 UdpWorkers udp = UdpWorkers.start(b, veth.addrB(), OTHER_PORT, 1)) {
                Deployment sockets = agent.deployer.deploy(TestAgent.example("round_robin.c"),
                        List.of(target(b, veth, PORT, app)));
                Deployment cpus = agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(
                        new XdpCpuTarget(NetnsRef.of(b.path()), veth.ifB(), Protocol.UDP, OTHER_PORT, List.of(0))));

                UdpSender.to(veth.addrB(), PORT).in(a).count(100).srcPorts(4).run();
                UdpSender.to(veth.addrB(), OTHER_PORT).in(a).count(100).srcPorts(4).run();
                assertThat(app.awaitTotal(100, WAIT)).containsExactly(50, 50);
                assertThat(udp.awaitTotal(100, WAIT)).containsExactly(100);

                agent.deployer.remove(cpus.id());
                assertThat(xdpProgramOn(b, veth.ifB())).isTrue();
                agent.deployer.remove(sockets.id());
                assertThat(xdpProgramOn(b, veth.ifB())).isFalse();
                // The sockets are the application's again: nothing redirects to them any more.
                UdpSender.to(veth.addrB(), PORT).in(a).count(50).run();
                assertThat(app.isAlive()).isTrue();
                assertThat(app.counts()).containsExactly(50, 50);
            }
        }
    }

    @Test
    void aProcessWithoutAfXdpSocketsOrInAnotherNamespaceIsRefusedAndNothingIsAttached() {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            try (UdpWorkers udp = UdpWorkers.start(b, veth.addrB(), PORT, 2);
                 XskWorkers elsewhere = XskWorkers.start(a, veth.ifA(), 1)) {
                assertThatThrownBy(() -> agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(
                        new XdpSocketTarget(NetnsRef.of(b.path()), veth.ifB(), Protocol.UDP, PORT, (int) udp.pid()))))
                        .isInstanceOf(TargetUnavailableException.class).hasMessageContaining("holds no AF_XDP socket");
                assertThatThrownBy(() -> agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(
                        new XdpSocketTarget(NetnsRef.of(b.path()), veth.ifB(), Protocol.UDP, PORT, (int) elsewhere.pid()))))
                        .isInstanceOf(TargetUnavailableException.class).hasMessageContaining("is not in network namespace");
                assertThat(xdpProgramOn(b, veth.ifB())).isFalse();
                assertThat(agent.deployer.list()).isEmpty();
            }
        }
    }

    @Test
    void onePortOfAnInterfaceBelongsToOneXdpDeployment() {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            try (XskWorkers app = XskWorkers.start(b, veth.ifB(), 1)) {
                agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(target(b, veth, PORT, app)));
                assertThatThrownBy(() -> agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(
                        new XdpCpuTarget(NetnsRef.of(b.path()), veth.ifB(), Protocol.UDP, PORT, List.of(0)))))
                        .isInstanceOf(PortConflictException.class);
            }
        }
    }

    private static XdpSocketTarget target(NetNs b, Veth veth, int port, XskWorkers app) {
        return new XdpSocketTarget(NetnsRef.of(b.path()), veth.ifB(), Protocol.UDP, port, (int) app.pid());
    }

    private static boolean xdpProgramOn(NetNs ns, String iface) {
        return ns.run("ip", "link", "show", "dev", iface).contains(" xdp");
    }
}
