package dev.syrup.e2e;

import dev.syrup.testing.SyrupdProcess;
import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The same end-to-end story for every client (CLI, Java library, C library): deploy round robin on
 * a 4-socket server, see the exact spread; deploy a map-driven policy, set its map, see the
 * decisions change; remove, and find nothing left.
 */
abstract class ClientFlow {
    static final int PORT = 9700;

    /** What each client must be able to do. */
    interface Client {
        String deploy(Path policy, int port, Path netns);

        void mapSetU32(String id, String map, int key, int value);

        void remove(String id);
    }

    static void run(SyrupdProcess syrupd, Client client) throws Exception {
        Path examples = Path.of(System.getProperty("syrup.examples"), "policies");
        try (NetNs ns = NetNs.create(); UdpWorkers server = UdpWorkers.start(ns, "127.0.0.1", PORT, 4)) {
            String rr = client.deploy(examples.resolve("round_robin.c"), PORT, ns.path());
            assertThat(send(server, ns, 80)).containsExactly(20, 20, 20, 20);
            client.remove(rr);

            String chooser = client.deploy(examples.resolve("choose_from_map.c"), PORT, ns.path());
            server.reset();
            assertThat(send(server, ns, 40)).containsExactly(40, 0, 0, 0);
            client.mapSetU32(chooser, "choice", 0, 3);
            server.reset();
            assertThat(send(server, ns, 40)).containsExactly(0, 0, 0, 40);

            client.remove(chooser);
            assertThat(Files.exists(syrupd.pinRoot.resolve("deployments").resolve(chooser))).isFalse();
            assertThat(syrupd.pinRoot.resolve("deployments").toFile().list()).isEmpty();
            assertThat(syrupd.pinRoot.resolve("dispatchers").toFile().list()).isNullOrEmpty();
            assertThat(syrupd.dir.resolve("state/deployments").toFile().list()).isEmpty();
        }
    }

    private static long[] send(UdpWorkers server, NetNs ns, int count) {
        UdpSender.to("127.0.0.1", PORT).in(ns).count(count).srcPorts(2).run();
        return server.awaitTotal(count, Duration.ofSeconds(15));
    }
}
