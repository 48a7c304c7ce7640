package dev.syrup.e2e;

import dev.syrup.testing.SyrupdProcess;
import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.testing.Exec;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.Veth;
import dev.syrup.testing.XskWorkers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bin/syrup, the command line users type, against a real syrupd. */
class CliTest {
    private static final Path HOME = Path.of(System.getProperty("syrup.home"));
    private static final int XDP_SOCKET_PORT = 9373;

    @Test
    void deployMapsAndRemoveThroughTheCommandLine() throws Exception {
        try (SyrupdProcess syrupd = new SyrupdProcess()) {
            ClientFlow.run(syrupd, new ClientFlow.Client() {
                @Override
                public String deploy(Path policy, int port, Path netns) {
                    return syrup(syrupd, "deploy", policy.toString(), "--hook", "socket-select", "--port",
                            Integer.toString(port), "--netns", netns.toString()).strip();
                }

                @Override
                public void mapSetU32(String id, String map, int key, int value) {
                    syrup(syrupd, "map", "set", id, map, Integer.toString(key), Integer.toString(value));
                    assertThat(syrup(syrupd, "map", "get", id, map, Integer.toString(key))).contains(Integer.toString(value));
                }

                @Override
                public void remove(String id) {
                    assertThat(syrup(syrupd, "list")).contains(id);
                    syrup(syrupd, "remove", id);
                    assertThat(syrup(syrupd, "list")).doesNotContain(id);
                }
            });
        }
    }

    @Test
    void xdpSocketDeployListAndRemoveThroughTheCommandLine() {
        try (SyrupdProcess syrupd = new SyrupdProcess(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            try (XskWorkers app = XskWorkers.start(b, veth.ifB(), 4)) {
                String id = syrup(syrupd, "deploy", HOME.resolve("examples/policies/round_robin.c").toString(), "--hook",
                        "xdp-socket", "--port", Integer.toString(XDP_SOCKET_PORT), "--pid", Long.toString(app.pid()),
                        "--interface", veth.ifB(), "--netns", b.path().toString()).strip();
                UdpSender.to(veth.addrB(), XDP_SOCKET_PORT).in(a).count(400).srcPorts(4).run();
                assertThat(app.awaitTotal(400, Duration.ofSeconds(10))).containsExactly(100, 100, 100, 100);

                String list = syrup(syrupd, "list");
                assertThat(list).contains(id).contains("xdp-socket").contains(":" + veth.ifB())
                        .contains("100/100/100/100 pass=0 drop=0 fb=0");
                syrup(syrupd, "remove", id);
                assertThat(b.run("ip", "link", "show", "dev", veth.ifB())).doesNotContain(" xdp");
            }
        }
    }

    @Test
    void refusedRequestsExitNonZeroWithTheReason() {
        try (SyrupdProcess syrupd = new SyrupdProcess()) {
            Exec.Result r = run(syrupd, "remove", "00000000");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr()).contains("no deployment with id 00000000");
        }
        Exec.Result down = run(null, "list");
        assertThat(down.exitCode()).isEqualTo(3);
        assertThat(down.stderr()).contains("syrupd is not running");
    }

    private static String syrup(SyrupdProcess syrupd, String... args) {
        Exec.Result r = run(syrupd, args);
        assertThat(r.exitCode()).as("syrup " + String.join(" ", args) + ": " + r.stderr()).isZero();
        return r.stdout();
    }

    private static Exec.Result run(SyrupdProcess syrupd, String... args) {
        List<String> cmd = new ArrayList<>(List.of(HOME.resolve("bin/syrup").toString()));
        cmd.add(args[0]);
        if (args.length > 1 && args[0].equals("map")) {
            cmd.add(args[1]);
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        cmd.add("--socket");
        cmd.add(syrupd == null ? "/nonexistent/syrupd.sock" : syrupd.socket.toString());
        cmd.addAll(List.of(args).subList(1, args.length));
        return Exec.run(new ProcessBuilder(cmd), Duration.ofSeconds(60));
    }
}
