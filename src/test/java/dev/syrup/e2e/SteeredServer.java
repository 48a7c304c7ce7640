package dev.syrup.e2e;

import dev.syrup.testing.SyrupdProcess;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.HookSpec;
import dev.syrup.api.Request;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real syrupd with round_robin.c steering a 4-socket UDP server in a network namespace of its
 * own: the deployment that bad input must leave untouched. Closing it removes the deployment,
 * stops syrupd (removing its pins) and whatever was tracked, then the namespace, even when a
 * step fails.
 */
final class SteeredServer implements AutoCloseable {
    static final int PORT = 9600;
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final List<AutoCloseable> opened = new ArrayList<>();
    final NetNs ns;
    final UdpWorkers server;
    final SyrupdProcess syrupd;
    final String id;

    SteeredServer() {
        this(List.of());
    }

    /** With syrupd's JVM given syrupdJvmOptions. */
    SteeredServer(List<String> syrupdJvmOptions) {
        try {
            ns = track(NetNs.create());
            server = track(UdpWorkers.start(ns, "127.0.0.1", PORT, 4));
            syrupd = track(new SyrupdProcess(syrupdJvmOptions));
            try (RawClient c = new RawClient(syrupd.socket)) {
                id = c.request(Request.deploy(DaemonTest.example("round_robin.c"), List.of(hook(PORT))))
                        .path("id").asText();
            }
            assertSteersExactly();
        } catch (IOException e) {
            close();
            throw new IllegalStateException(e);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** track closes c with this, before what was tracked earlier. */
    <T extends AutoCloseable> T track(T c) {
        opened.add(c);
        return c;
    }

    /** A socket-select hook on port of this namespace. */
    HookSpec hook(int port) { return HookSpec.socketSelect(port, "udp", ns.path().toString()); }

    /** Round robin still decides every datagram: 40 datagrams are exactly 10 per socket. */
    void assertSteersExactly() {
        server.reset();
        UdpSender.to("127.0.0.1", PORT).in(ns).count(40).srcPorts(4).run();
        assertThat(server.awaitTotal(40, WAIT)).as("datagrams per socket").containsExactly(10, 10, 10, 10);
    }

    /** syrupd answers status and list with the round robin as its only deployment, and pins no other. */
    void assertOnlyTheRoundRobin(RawClient c) {
        JsonNode status = c.request(Request.status());
        assertThat(status.path("deployments").asInt()).as("deployments in status").isEqualTo(1);
        assertThat(c.request(Request.list()).path("deployments")).extracting(d -> d.path("id").asText())
                .containsExactly(id);
        String[] pinned = syrupd.pinRoot.resolve("deployments").toFile().list();
        assertThat(pinned).as("deployment directories under the pin root").containsExactly(id);
    }

    /** Nothing syrupd logged was an internal error: bad input is the client's error, not syrupd's. */
    void assertLogHasNoErrors() {
        assertThat(syrupd.log().lines().filter(l -> l.contains(" ERROR ")).toList()).as("ERROR lines in syrupd's log")
                .isEmpty();
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        if (syrupd != null && id != null) {
            try (RawClient c = new RawClient(syrupd.socket)) {
                c.request(Request.remove(id, false));
            } catch (RuntimeException | AssertionError e) {
                failure = new IllegalStateException("cannot remove the round robin deployment", e);
            }
        }
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("cleanup failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        opened.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
