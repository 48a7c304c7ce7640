package dev.syrup.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Linux's own SO_REUSEPORT selection, with no BPF program attached: the kernel hashes each
 * datagram's 4-tuple over the group's sockets. Proves the harness (namespaces, veth, the test
 * applications) and is the baseline the socket-select hook replaces.
 */
class KernelReuseportHashTest {
    private static final String LOOPBACK = "127.0.0.1";
    private static final int PORT = 9000;
    private static final int SOCKETS = 4;
    private static final Duration DELIVERY = Duration.ofSeconds(5);

    private NetNs ns;

    @BeforeEach
    void createNamespace() {
        ns = NetNs.create();
    }

    @AfterEach
    void deleteNamespace() {
        ns.close();
    }

    @Test
    void workersReportAscendingFdsAndRunInTheNamespace() {
        try (UdpWorkers workers = UdpWorkers.start(ns, LOOPBACK, PORT, SOCKETS)) {
            int[] fds = workers.fds();
            assertThat(fds).hasSize(SOCKETS).isSorted().doesNotHaveDuplicates();
            assertThat(ns.pids()).contains(workers.pid());
            assertThat(workers.counts()).containsExactly(0, 0, 0, 0);
        }
    }

    @Test
    void oneFlowLandsOnOneSocket() {
        try (UdpWorkers workers = UdpWorkers.start(ns, LOOPBACK, PORT, SOCKETS)) {
            UdpSender.Result sent = UdpSender.to(LOOPBACK, PORT).in(ns).count(400).srcPorts(1).run();

            long[] counts = workers.awaitTotal(400, DELIVERY);
            assertThat(sent.sent()).isEqualTo(400);
            assertThat(Arrays.stream(counts).sum()).as("received %s", Arrays.toString(counts)).isEqualTo(400);
            assertThat(Arrays.stream(counts).max().getAsLong()).as("received %s", Arrays.toString(counts)).isEqualTo(400);
        }
    }

    @Test
    void manyFlowsSpreadOverSockets() {
        try (UdpWorkers workers = UdpWorkers.start(ns, LOOPBACK, PORT, SOCKETS)) {
            UdpSender.Result sent = UdpSender.to(LOOPBACK, PORT).in(ns).count(4000).srcPorts(64).run();

            long[] counts = workers.awaitTotal(4000, DELIVERY);
            assertThat(sent.sent()).isEqualTo(4000);
            assertThat(Arrays.stream(counts).sum()).as("received %s", Arrays.toString(counts)).isEqualTo(4000);
            // 64 flows all hashing to one of 4 sockets has probability 4 * 4^-64.
            assertThat(Arrays.stream(counts).filter(c -> c > 0).count())
                    .as("sockets with traffic in %s", Arrays.toString(counts)).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void datagramsCrossAVethPair() {
        try (NetNs peer = NetNs.create()) {
            Veth veth = Veth.connect(peer, ns);
            assertThat(veth.ifA()).hasSizeLessThanOrEqualTo(15);
            assertThat(veth.ifB()).hasSizeLessThanOrEqualTo(15).isNotEqualTo(veth.ifA());
            assertThat(veth.addrB()).startsWith("10.213.");

            try (UdpWorkers workers = UdpWorkers.start(ns, veth.addrB(), PORT, SOCKETS)) {
                UdpSender.Result sent = UdpSender.to(veth.addrB(), PORT).in(peer).count(1000).srcPorts(16).run();

                long[] counts = workers.awaitTotal(1000, DELIVERY);
                assertThat(sent.sent()).isEqualTo(1000);
                assertThat(Arrays.stream(counts).sum()).as("received %s", Arrays.toString(counts)).isEqualTo(1000);
            }
        }
    }

    @Test
    void histogramsCountFirstPayloadBytes() {
        try (UdpWorkers workers = UdpWorkers.start(ns, LOOPBACK, PORT, SOCKETS)) {
            UdpSender.to(LOOPBACK, PORT).in(ns).count(400).srcPorts(8).payloadCycle(0, 1, 2, 3).run();

            long[] counts = workers.awaitTotal(400, DELIVERY);
            assertThat(Arrays.stream(counts).sum()).isEqualTo(400);
            Map<Integer, Long> overall = new TreeMap<>();
            for (int i = 0; i < SOCKETS; i++) {
                Map<Integer, Long> hist = workers.histogram(i);
                assertThat(hist.values().stream().mapToLong(Long::longValue).sum())
                        .as("histogram of socket %d: %s", i, hist).isEqualTo(counts[i]);
                hist.forEach((b, n) -> overall.merge(b, n, Long::sum));
            }
            assertThat(overall).isEqualTo(Map.of(0, 100L, 1, 100L, 2, 100L, 3, 100L));

            workers.reset();
            assertThat(workers.counts()).containsOnly(0);
            assertThat(workers.histogram(0)).isEmpty();
        }
    }

    @Test
    void repliesNameTheServingSocket() {
        try (UdpWorkers workers = UdpWorkers.start(ns, LOOPBACK, PORT, SOCKETS, true)) {
            UdpSender.Result r = UdpSender.to(LOOPBACK, PORT).in(ns).count(200).srcPorts(1).waitReplies().run();

            long[] counts = workers.awaitTotal(200, DELIVERY);
            assertThat(r.repliedTotal()).isEqualTo(200);
            // One flow: every reply comes from the one socket that received everything.
            for (int i = 0; i < SOCKETS; i++) {
                assertThat(r.repliesFrom(i)).as("replies from socket %d", i).isEqualTo(counts[i]);
            }
        }
    }
}
