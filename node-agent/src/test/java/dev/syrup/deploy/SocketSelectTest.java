package dev.syrup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.hook.DecisionStats;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.SocketSelectTarget;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** socket-select on the real kernel: a 4-socket UDP server in a network namespace the test makes. */
class SocketSelectTest {
    private static final int PORT = 9000;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private TestAgent agent;
    private NetNs ns;

    @BeforeEach
    void setUp() {
        agent = new TestAgent();
        ns = NetNs.create();
    }

    @AfterEach
    void tearDown() {
        agent.close();
        ns.close();
    }

    private SocketSelectTarget target(int port) { return new SocketSelectTarget(NetnsRef.of(ns.path()), Protocol.UDP, port); }

    private long[] send(UdpWorkers workers, int port, long count, UdpSender sender) {
        long before = workers.total();
        sender.in(ns).count(count).run();
        long[] counts = workers.awaitTotal(before + count, WAIT);
        assertThat(Arrays.stream(counts).sum()).as("datagrams received").isEqualTo(before + count);
        return counts;
    }

    @Test
    void roundRobinSpreadsExactlyWhereDefaultHashingDoesNot() {
        try (UdpWorkers workers = UdpWorkers.start(ns, "127.0.0.1", PORT, 4)) {
            // Linux's default: one flow (one source port) hashes to a single socket.
            long[] byDefault = send(workers, PORT, 400, UdpSender.to("127.0.0.1", PORT).srcPorts(1));
            assertThat(Arrays.stream(byDefault).max().getAsLong()).isEqualTo(400);

            Deployment d = agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(target(PORT)));
            workers.reset();
            long[] counts = send(workers, PORT, 400, UdpSender.to("127.0.0.1", PORT).srcPorts(1));
            assertThat(counts).containsExactly(100, 100, 100, 100);

            DecisionStats stats = agent.deployer.stats(d.id(), target(PORT));
            assertThat(stats.perExecutor()).containsExactly(100, 100, 100, 100);
            assertThat(stats.fallback()).isZero();
        }
    }

    @Test
    void routeByFirstByteSendsEachRequestToTheSocketItNames() {
        try (UdpWorkers workers = UdpWorkers.start(ns, "127.0.0.1", PORT, 4)) {
            agent.deployer.deploy(TestAgent.example("route_by_first_byte.c"), List.of(target(PORT)));
            send(workers, PORT, 400, UdpSender.to("127.0.0.1", PORT).srcPorts(8).payloadCycle(2, 0, 3, 1));
            for (int socket = 0; socket < 4; socket++) {
                assertThat(workers.histogram(socket)).as("first bytes seen by socket " + socket)
                        .isEqualTo(Map.of(socket, 100L));
            }
        }
    }

    @Test
    void eachPolicySeesOnlyItsOwnPortsPackets() {
        try (UdpWorkers a = UdpWorkers.start(ns, "127.0.0.1", PORT, 4);
             UdpWorkers b = UdpWorkers.start(ns, "127.0.0.1", PORT + 1, 2)) {
            Deployment da = agent.deployer.deploy(TestAgent.example("count_packets.c"), List.of(target(PORT)));
            Deployment db = agent.deployer.deploy(TestAgent.example("count_packets.c"), List.of(target(PORT + 1)));

            assertThat(send(a, PORT, 300, UdpSender.to("127.0.0.1", PORT).srcPorts(3)))
                    .containsExactly(75, 75, 75, 75);
            assertThat(send(b, PORT + 1, 200, UdpSender.to("127.0.0.1", PORT + 1).srcPorts(3)))
                    .containsExactly(100, 100);

            assertThat(seen(da)).isEqualTo(300);
            assertThat(seen(db)).isEqualTo(200);
        }
    }

    private long seen(Deployment d) {
        try (var map = agent.deployer.openMap(d.id(), "seen")) {
            return map.lookupU64Sum(0);
        }
    }

    @Test
    void socketsTakenFromTheApplicationStayWithIt() throws IOException {
        long socketsBefore = ownSockets();
        try (UdpWorkers workers = UdpWorkers.start(ns, "127.0.0.1", PORT, 4)) {
            agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(target(PORT)));
            // The deployer duplicated the sockets with pidfd_getfd only to attach; the owner receives the traffic.
            assertThat(ownSockets()).isEqualTo(socketsBefore);
            assertThat(send(workers, PORT, 200, UdpSender.to("127.0.0.1", PORT))).containsExactly(50, 50, 50, 50);
        }
    }

    private static long ownSockets() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void outOfRangeExecutorFallsBackToTheKernelDefault() {
        try (UdpWorkers workers = UdpWorkers.start(ns, "127.0.0.1", PORT, 4)) {
            Deployment d = agent.deployer.deploy(TestAgent.testPolicy("out_of_range.c"), List.of(target(PORT)));
            long[] counts = send(workers, PORT, 200, UdpSender.to("127.0.0.1", PORT));
            assertThat(Arrays.stream(counts).max().getAsLong()).as("one flow, kernel hash").isEqualTo(200);
            assertThat(agent.deployer.stats(d.id(), target(PORT)).fallback()).isEqualTo(200);
        }
    }

    @Test
    void dropDropsEveryDatagram() {
        try (UdpWorkers workers = UdpWorkers.start(ns, "127.0.0.1", PORT, 4)) {
            Deployment d = agent.deployer.deploy(TestAgent.testPolicy("drop_all.c"), List.of(target(PORT)));
            UdpSender.to("127.0.0.1", PORT).in(ns).count(100).run();
            assertThat(agent.deployer.stats(d.id(), target(PORT)).drop()).isEqualTo(100);
            assertThat(workers.total()).isZero();
        }
    }

    @Test
    void theSameSocketsCanBeDeployedToRightAfterARemove() {
        try (UdpWorkers workers = UdpWorkers.start(ns, "127.0.0.1", PORT, 4)) {
            for (int i = 0; i < 3; i++) {
                Deployment d = agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(target(PORT)));
                workers.reset();
                assertThat(send(workers, PORT, 40, UdpSender.to("127.0.0.1", PORT))).containsExactly(10, 10, 10, 10);
                agent.deployer.remove(d.id());
            }
        }
    }

    @Test
    void tcpConnectionsAreSteeredOneByOne() {
        try (UdpWorkers server = UdpWorkers.on("127.0.0.1", PORT).in(ns).sockets(4).tcp().start()) {
            SocketSelectTarget tcp = new SocketSelectTarget(NetnsRef.of(ns.path()), Protocol.TCP, PORT);
            Deployment d = agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(tcp));
            UdpSender.to("127.0.0.1", PORT).in(ns).tcp().count(40).payload("GET").run();
            assertThat(server.awaitTotal(40, WAIT)).containsExactly(10, 10, 10, 10);
            // Only the SYN of each connection is steered: one decision per connection.
            assertThat(agent.deployer.stats(d.id(), tcp).perExecutor()).containsExactly(10, 10, 10, 10);
        }
    }

    @Test
    void replaceSwapsThePolicy() {
        try (UdpWorkers workers = UdpWorkers.start(ns, "127.0.0.1", PORT, 4)) {
            Deployment d = agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(target(PORT)));
            assertThat(send(workers, PORT, 40, UdpSender.to("127.0.0.1", PORT))).containsExactly(10, 10, 10, 10);
            agent.deployer.replace(d.id(), TestAgent.testPolicy("route_to_zero.c"));
            workers.reset();
            assertThat(send(workers, PORT, 40, UdpSender.to("127.0.0.1", PORT).srcPorts(4))).containsExactly(40, 0, 0, 0);
            assertThat(agent.deployer.get(d.id()).orElseThrow().policyName()).endsWith("route_to_zero.c");
        }
    }
}
