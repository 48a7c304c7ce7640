package dev.syrup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.Json;
import dev.syrup.api.Request;
import dev.syrup.testing.Exec;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.SyrupdProcess;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * bin/syrup against a real syrupd while the application restarts: `syrup list --json` shows the
 * target attached, then waiting with no live executor, then attached to the new sockets, and the
 * policy steers them exactly again.
 */
class FollowTest {
    private static final Path HOME = Path.of(System.getProperty("syrup.home"));
    private static final int PORT = 9320;
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Generous: the behaviour is asserted, not the time. */
    private static final Duration FOLLOW = Duration.ofSeconds(30);

    private SyrupdProcess syrupd;
    private NetNs ns;
    private final List<UdpWorkers> servers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        syrupd = new SyrupdProcess();
        ns = NetNs.create();
    }

    @AfterEach
    void tearDown() {
        servers.forEach(UdpWorkers::close);
        syrupd.close();
        ns.close();
    }

    private UdpWorkers server(int sockets) {
        UdpWorkers w = UdpWorkers.start(ns, "127.0.0.1", PORT, sockets);
        servers.add(w);
        return w;
    }

    private long[] send(UdpWorkers server, int count) {
        server.reset();
        UdpSender.to("127.0.0.1", PORT).in(ns).count(count).srcPorts(1).run();
        return server.awaitTotal(count, WAIT);
    }

    @Test
    void listShowsTheTargetWaitingWhileTheServerIsDownAndAttachedAgainAfter() throws Exception {
        UdpWorkers first = server(4);
        String policy = Path.of(System.getProperty("syrup.examples"), "policies", "round_robin.c").toString();
        String id = syrup("deploy", policy, "--hook", "socket-select", "--port", Integer.toString(PORT),
                "--netns", ns.path().toString()).strip();
        JsonNode target = awaitTarget(id, "attached", 4);
        assertThat(target.path("changedAt").asText()).isNotEmpty();
        assertThat(send(first, 400)).containsExactly(100, 100, 100, 100);

        first.close();
        JsonNode waiting = awaitTarget(id, "waiting", 0);
        assertThat(waiting.path("decisions")).isEmpty();
        assertThat(syrup("list")).contains("waiting live=0").contains("- (waiting: no socket on the port)");
        try (RawClient c = new RawClient(syrupd.socket)) {
            assertThat(c.request(Request.status()).path("targets").toString())
                    .isEqualTo("{\"attached\":0,\"waiting\":1,\"failed\":0}");
        }

        UdpWorkers second = server(8);
        JsonNode attached = awaitTarget(id, "attached", 8);
        assertThat(attached.path("changedAt").asText()).isNotEqualTo(waiting.path("changedAt").asText());
        assertThat(send(second, 800)).containsExactly(100, 100, 100, 100, 100, 100, 100, 100);
        syrup("remove", id);
    }

    private JsonNode awaitTarget(String id, String state, int live) throws Exception {
        long deadline = System.nanoTime() + FOLLOW.toNanos();
        JsonNode t = null;
        while (System.nanoTime() < deadline) {
            for (JsonNode d : Json.MAPPER.readTree(syrup("list", "--json"))) {
                if (d.path("id").asText().equals(id)) {
                    t = d.path("targets").get(0);
                }
            }
            if (t != null && t.path("state").asText().equals(state) && t.path("live").asInt(-1) == live) {
                return t;
            }
            SyrupdProcess.sleep(50);
        }
        throw new AssertionError("expected " + state + " with " + live + " live executors, still " + t);
    }

    private String syrup(String... args) {
        List<String> cmd = new ArrayList<>(List.of(HOME.resolve("bin/syrup").toString(), args[0], "--socket",
                syrupd.socket.toString()));
        cmd.addAll(List.of(args).subList(1, args.length));
        Exec.Result r = Exec.run(new ProcessBuilder(cmd), Duration.ofSeconds(60));
        assertThat(r.exitCode()).as("syrup " + String.join(" ", args) + ": " + r.stderr()).isZero();
        return r.stdout();
    }
}
