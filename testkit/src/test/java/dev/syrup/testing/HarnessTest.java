package dev.syrup.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The harness itself: namespaces clean up after themselves even when a test leaves things running,
 * and failures of the test applications surface with their stderr.
 */
class HarnessTest {

    @Test
    void createsAUniqueNamespaceWithLoopbackUp() {
        try (NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            assertThat(a.name()).startsWith(NetNs.PREFIX).isNotEqualTo(b.name());
            assertThat(Files.exists(a.path())).isTrue();
            assertThat(a.run("ip", "-o", "link", "show", "lo")).contains("UP");
            assertThat(a.run("ip", "-o", "link", "show")).doesNotContain("eth");
        }
    }

    @Test
    void closeKillsWhatStillRunsInsideAndDeletesTheNamespace() throws Exception {
        NetNs ns = NetNs.create();
        Process sleeper = ns.command("sleep", "600").start();
        UdpWorkers.start(ns, "0.0.0.0", 9000, 2); // deliberately never closed
        assertThat(ns.pids()).hasSize(2).contains(sleeper.pid());

        ns.close();

        assertThat(sleeper.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(Files.exists(ns.path())).isFalse();
        assertThat(Exec.check("ip", "netns", "list")).doesNotContain(ns.name());
        ns.close(); // idempotent
    }

    @Test
    void runFailsWithTheCommandsStderr() {
        try (NetNs ns = NetNs.create()) {
            assertThatThrownBy(() -> ns.run("ip", "link", "show", "nosuchdev0"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("nosuchdev0")
                    .hasMessageContaining("exited with");
        }
    }

    @Test
    void vethPairsGetTheirOwnSubnets() {
        try (NetNs a = NetNs.create(); NetNs b = NetNs.create(); NetNs c = NetNs.create()) {
            Veth ab = Veth.connect(a, b);
            Veth ac = Veth.connect(a, c);
            assertThat(ab.addrA()).isNotEqualTo(ac.addrA());
            assertThat(ab.ifA()).isNotEqualTo(ac.ifA());
            assertThat(a.run("ip", "-o", "addr", "show", "dev", ab.ifA())).contains(ab.addrA() + "/24");
            assertThat(b.run("ip", "-o", "addr", "show", "dev", ab.ifB())).contains(ab.addrB() + "/24");
            assertThat(c.run("ip", "-o", "link", "show", "dev", ac.ifB())).contains("state UP");
            assertThatThrownBy(() -> Veth.connect(a, "10.213.250.1", b, "10.213.251.2"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void workersReportBindErrors() {
        try (NetNs ns = NetNs.create()) {
            // 192.0.2.1 is not an address of this namespace.
            assertThatThrownBy(() -> UdpWorkers.start(ns, "192.0.2.1", 9000, 2))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("bind 192.0.2.1:9000")
                    .hasMessageContaining("Cannot assign requested address");
        }
    }

    @Test
    void workersEnlargeReceiveBuffersUnlessAskedNotTo() {
        try (NetNs ns = NetNs.create()) {
            try (UdpWorkers w = UdpWorkers.start(ns, "127.0.0.1", 9000, 2)) {
                // The kernel doubles what SO_RCVBUF asks for, to account for its bookkeeping.
                assertThat(ns.run("ss", "-Huamn", "sport = :9000"))
                        .contains("rb" + 2 * UdpWorkers.DEFAULT_RCVBUF);
            }
            try (UdpWorkers w = UdpWorkers.on("127.0.0.1", 9001).in(ns).sockets(2).rcvbuf(0).start()) {
                assertThat(ns.run("ss", "-Huamn", "sport = :9001"))
                        .doesNotContain("rb" + 2 * UdpWorkers.DEFAULT_RCVBUF);
            }
        }
    }

    @Test
    void senderFailuresCarryStderr() {
        assertThatThrownBy(() -> UdpSender.to("not-an-address", 9000).timeout(Duration.ofSeconds(5)).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not an IPv4 address");
    }
}
