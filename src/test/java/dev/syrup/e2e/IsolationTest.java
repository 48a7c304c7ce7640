package dev.syrup.e2e;

import dev.syrup.testing.SyrupdProcess;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.HookSpec;
import dev.syrup.api.Request;
import dev.syrup.testing.Exec;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A deployment belongs to the identity that made it: another cgroup or another uid may not
 * replace, remove or read it, nor claim its port; its policy keeps steering throughout.
 */
class IsolationTest {
    private static final int PORT = 9600;

    private SyrupdProcess syrupd;
    private NetNs ns;
    private UdpWorkers server;
    private String id;
    private Path policy;

    @BeforeEach
    void setUp() throws Exception {
        syrupd = new SyrupdProcess();
        ns = NetNs.create();
        server = UdpWorkers.start(ns, "127.0.0.1", PORT, 4);
        try (RawClient c = new RawClient(syrupd.socket)) {
            id = c.request(Request.deploy(DaemonTest.example("count_packets.c"),
                    List.of(HookSpec.socketSelect(PORT, "udp", ns.path().toString())))).path("id").asText();
        }
        policy = Files.writeString(syrupd.dir.resolve("route_to_zero.c"),
                Files.readString(Path.of(getClass().getResource("/route_to_zero.c").toURI())));
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        syrupd.close();
        ns.close();
        Files.deleteIfExists(OtherClient.cgroup2Mount().resolve("syrup-t-isolation"));
    }

    @Test
    void anotherCgroupIsRefused() {
        assertRefused(OtherClient.inCgroup(syrupd.socket, "syrup-t-isolation"), "forbidden");
    }

    @Test
    void anotherUserIsRefused() {
        assertRefused(OtherClient.asUser(syrupd.socket, 65534), "forbidden");
    }

    @Test
    void rootMayActOnOthersDeploymentsOnlyWhenItAsks() {
        try (RawClient c = new RawClient(syrupd.socket)) {
            OtherClient other = OtherClient.inCgroup(syrupd.socket, "syrup-t-isolation");
            Exec.Result refused = other.run("remove", id);
            assertThat(refused.stderr()).contains("--force");
            JsonNode forced = c.send("{\"op\":\"map.dump\",\"id\":\"" + id + "\",\"map\":\"seen\",\"force\":true}");
            assertThat(forced.path("ok").asBoolean()).isTrue();
        }
    }

    private void assertRefused(OtherClient other, String kind) {
        for (String[] cmd : List.of(new String[] {"remove", id}, new String[] {"replace", id, policy.toString()},
                new String[] {"map-get", id, "seen", "0"}, new String[] {"map-set", id, "seen", "0", "7"})) {
            Exec.Result r = other.run(cmd);
            assertThat(r.exitCode()).as(String.join(" ", cmd)).isEqualTo(1);
            assertThat(r.stderr()).as(String.join(" ", cmd)).contains(kind).contains(id);
        }
        // Claiming the port is refused too, whoever asks.
        Exec.Result claim = other.run("deploy", policy.toString(), "--hook", "socket-select", "--port",
                Integer.toString(PORT), "--netns", ns.path().toString());
        assertThat(claim.exitCode()).isEqualTo(1);
        assertThat(claim.stderr()).containsAnyOf("conflict", "forbidden");

        // The owner's deployment is untouched and still steers.
        UdpSender.to("127.0.0.1", PORT).in(ns).count(40).run();
        assertThat(server.awaitTotal(40, Duration.ofSeconds(15))).containsExactly(10, 10, 10, 10);
        try (RawClient c = new RawClient(syrupd.socket)) {
            JsonNode seen = c.request(Request.map("map.get", id, "seen", "00000000", null, false));
            assertThat(seen.path("value").asText()).isEqualTo("2800000000000000"); // 40, little-endian u64
        }
    }
}
