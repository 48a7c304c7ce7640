package dev.syrup.e2e;

import dev.syrup.testing.SyrupdProcess;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.HookSpec;
import dev.syrup.api.PolicyText;
import dev.syrup.api.Request;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** syrupd over its socket, on the real kernel: deploy, maps, remove, and restarts. */
class DaemonTest {
    private static final int PORT = 9500;
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Datagrams sent once a replace has returned. */
    private static final int AFTER = 300;

    private SyrupdProcess syrupd;
    private NetNs ns;
    private UdpWorkers server;

    @BeforeEach
    void setUp() {
        syrupd = new SyrupdProcess();
        ns = NetNs.create();
        server = UdpWorkers.start(ns, "127.0.0.1", PORT, 4);
    }

    @AfterEach
    void tearDown() {
        server.close();
        syrupd.close();
        ns.close();
    }

    static PolicyText example(String name) throws IOException {
        Path p = Path.of(System.getProperty("syrup.examples"), "policies", name);
        return new PolicyText(name, Files.readString(p));
    }

    private String deploy(RawClient c, String policy) throws IOException {
        JsonNode d = c.request(Request.deploy(example(policy), List.of(HookSpec.socketSelect(PORT, "udp", ns.path().toString()))));
        return d.path("id").asText();
    }

    private long[] send(int count, int srcPorts) {
        long before = server.total();
        UdpSender.to("127.0.0.1", PORT).in(ns).count(count).srcPorts(srcPorts).run();
        return server.awaitTotal(before + count, WAIT);
    }

    @Test
    void deployMapSetAndRemoveThroughTheSocket() throws IOException {
        try (RawClient c = new RawClient(syrupd.socket)) {
            String id = deploy(c, "choose_from_map.c");
            assertThat(send(40, 4)).containsExactly(40, 0, 0, 0);

            c.request(Request.map("map.set", id, "choice", "00000000", "02000000", false));
            server.reset();
            assertThat(send(40, 4)).containsExactly(0, 0, 40, 0);
            assertThat(c.request(Request.map("map.get", id, "choice", "00000000", null, false)).path("value").asText())
                    .isEqualTo("02000000");

            JsonNode listed = c.request(Request.list()).path("deployments");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).path("targets").get(0).path("decisions").toString()).isEqualTo("[40,0,40,0]");

            c.request(Request.remove(id, false));
            assertThat(c.request(Request.list()).path("deployments")).isEmpty();
            assertThat(Files.exists(syrupd.pinRoot.resolve("deployments").resolve(id))).isFalse();
            assertThat(syrupd.pinRoot.resolve("dispatchers").toFile().list()).isNullOrEmpty();
        }
    }

    @Test
    void policiesKeepSteeringWhileSyrupdIsKilledAndRestarted() throws Exception {
        String id;
        try (RawClient c = new RawClient(syrupd.socket)) {
            id = deploy(c, "round_robin.c");
        }
        int total = 2000;
        Thread sender = new Thread(() -> UdpSender.to("127.0.0.1", PORT).in(ns).count(total).intervalUs(1000).run());
        sender.start();
        SyrupdProcess.sleep(300);
        syrupd.kill();
        SyrupdProcess.sleep(200);
        syrupd.start();
        sender.join();
        // Every datagram went by the policy: round robin stayed exact through the crash.
        assertThat(server.awaitTotal(total, WAIT)).containsExactly(500, 500, 500, 500);
        try (RawClient c = new RawClient(syrupd.socket)) {
            JsonNode listed = c.request(Request.list()).path("deployments");
            assertThat(listed).extracting(d -> d.path("id").asText()).containsExactly(id);
            assertThat(listed.get(0).path("targets").get(0).path("decisions").toString())
                    .isEqualTo("[500,500,500,500]");
            c.request(Request.remove(id, false));
        }
    }

    @Test
    void replaceUnderTrafficLosesNothingAndNeverFallsBack() throws Exception {
        try (RawClient c = new RawClient(syrupd.socket)) {
            String id = deploy(c, "round_robin.c");
            AtomicBoolean replaced = new AtomicBoolean();
            // Traffic flows until the replace has returned, however long its compile takes, then AFTER more.
            LongUnaryOperator send = n -> UdpSender.to("127.0.0.1", PORT).in(ns).count(n).intervalUs(300).run().sent();
            CompletableFuture<Long> sender = CompletableFuture.supplyAsync(() -> {
                long sent = 0;
                while (!replaced.get()) {
                    sent += send.applyAsLong(100);
                }
                return sent + send.applyAsLong(AFTER);
            });
            SyrupdProcess.sleep(300);
            Path zero = Path.of(getClass().getResource("/route_to_zero.c").toURI());
            try {
                c.request(Request.replace(id, new PolicyText("route_to_zero.c", Files.readString(zero)), false));
            } finally {
                replaced.set(true); // a failed replace must not leave the sender running
            }
            long[] counts = server.awaitTotal(sender.get(), WAIT);
            // Round robin until the swap (its share equal within one on every socket), socket 0 alone after it.
            assertThat(counts[1]).isGreaterThan(0);
            assertThat(Math.abs(counts[1] - counts[2])).isLessThanOrEqualTo(1);
            assertThat(Math.abs(counts[1] - counts[3])).isLessThanOrEqualTo(1);
            assertThat(counts[0] - counts[1]).isGreaterThanOrEqualTo(AFTER - 1);
            JsonNode target = c.request(Request.list()).path("deployments").get(0).path("targets").get(0);
            assertThat(target.path("pass").asLong() + target.path("fallback").asLong() + target.path("drop").asLong())
                    .as("datagrams that fell to the kernel default or were dropped").isZero();
        }
    }

    @Test
    void restartRepairsDrift() throws Exception {
        String kept;
        try (RawClient c = new RawClient(syrupd.socket)) {
            kept = deploy(c, "round_robin.c");
        }
        syrupd.kill();
        // A record whose pins are gone, and pins without a record.
        Path state = syrupd.dir.resolve("state/deployments");
        Files.writeString(state.resolve("deadbeef.json"), Files.readString(state.resolve(kept + ".json"))
                .replace(kept, "deadbeef"));
        Files.createDirectories(syrupd.pinRoot.resolve("deployments/0badc0de"));
        syrupd.start();
        try (RawClient c = new RawClient(syrupd.socket)) {
            JsonNode status = c.request(Request.status());
            assertThat(status.path("repaired").toString()).contains("deadbeef").contains("0badc0de");
            assertThat(status.path("adopted").asInt()).isEqualTo(1);
            assertThat(c.request(Request.list()).path("deployments")).extracting(d -> d.path("id").asText())
                    .containsExactly(kept);
        }
        assertThat(Files.exists(state.resolve("deadbeef.json"))).isFalse();
        assertThat(Files.exists(syrupd.pinRoot.resolve("deployments/0badc0de"))).isFalse();
        server.reset();
        assertThat(send(40, 1)).containsExactly(10, 10, 10, 10);
    }

    @Test
    void restartDetachesASocketGroupLeftRunningAProgramOfNoDeployment() throws Exception {
        String lost;
        try (RawClient c = new RawClient(syrupd.socket)) {
            lost = deploy(c, "round_robin.c");
        }
        syrupd.kill();
        // The record is lost; the program stays attached to the application's group all the same.
        Files.delete(syrupd.dir.resolve("state/deployments/" + lost + ".json"));
        assertThat(send(40, 1)).containsExactly(10, 10, 10, 10);
        syrupd.start();
        try (RawClient c = new RawClient(syrupd.socket)) {
            JsonNode status = c.request(Request.status());
            assertThat(status.path("repaired").toString()).contains(lost).contains("socket group");
            assertThat(c.request(Request.list()).path("deployments")).isEmpty();
        }
        assertThat(syrupd.pinRoot.resolve("dispatchers").toFile().list()).isNullOrEmpty();
        // Back on Linux's hash: one flow, one socket.
        server.reset();
        assertThat(send(40, 1)).contains(40L);
    }
}
