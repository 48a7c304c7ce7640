package dev.syrup.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.api.DeploymentView;
import dev.syrup.api.HookSpec;
import dev.syrup.api.PolicyText;
import dev.syrup.client.SyrupClient;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.SyrupdProcess;
import dev.syrup.testing.TestApps;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.Veth;
import dev.syrup.testing.XskWorkers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AF_XDP sockets the application registers itself (xsk.register through libsyrup's
 * sy_register_xsk, the descriptors passed over syrupd's socket), on the real kernel: xsk_workers in
 * a namespace behind a veth pair, packets sent from the other end. Registered sockets are the
 * executors in the order passed; another uid's registration and a descriptor that is not an AF_XDP
 * socket are refused and change nothing. (Whether a socket is bound to the deployment's interface
 * is checked only on kernels with AF_XDP sock_diag, which the test machines do not have.)
 */
class XskRegistrationTest {
    private static final int PORT = 9474;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int NOBODY = 65534;

    private SyrupdProcess syrupd;
    private SyrupClient client;
    private NetNs a;
    private NetNs b;
    private Veth veth;

    @BeforeEach
    void setUp() {
        syrupd = new SyrupdProcess();
        client = SyrupClient.connect(syrupd.socket);
        a = NetNs.create();
        b = NetNs.create();
        veth = Veth.connect(a, b);
    }

    @AfterEach
    void tearDown() {
        client.close();
        syrupd.close();
        b.close();
        a.close();
    }

    private String deploy(int sockets) throws IOException {
        Path policy = Path.of(System.getProperty("syrup.examples"), "policies", "round_robin.c");
        DeploymentView d = client.deploy(new PolicyText("round_robin.c", Files.readString(policy)),
                List.of(HookSpec.xdpRegisteredSockets(PORT, "udp", b.path().toString(), veth.ifB(), sockets)));
        return d.id();
    }

    private DeploymentView.Target target(String id) {
        return client.list().stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow().targets().get(0);
    }

    private void send(int packets) { UdpSender.to(veth.addrB(), PORT).in(a).count(packets).srcPorts(4).run(); }

    @Test
    void theSocketsTheApplicationRegistersGetExactlyTheirRoundRobinShare() throws IOException {
        String id = deploy(4);
        send(40); // no socket yet: every packet passes to the kernel, counted as fallback
        awaitFallback(id, 40);

        try (XskWorkers app = XskWorkers.startRegistering(b, veth.ifB(), 4, id, syrupd.socket)) {
            send(400);
            assertThat(app.awaitTotal(400, WAIT)).containsExactly(100, 100, 100, 100);
            assertThat(target(id).decisions()).containsExactly(100, 100, 100, 100);

            // Registering again replaces the set: with two sockets, executors 2 and 3 have none.
            assertThat(app.register(id, 2)).isEqualTo("REGISTERED 2");
            send(400);
            assertThat(app.awaitTotal(600, WAIT)).containsExactly(200, 200, 100, 100);
            awaitFallback(id, 40 + 200);
        }
    }

    @Test
    void anotherUidsRegistrationIsRefusedAndChangesNothing() throws IOException {
        String id = deploy(4);
        // A user's AF_XDP application: the capabilities AF_XDP needs, but not root's uid.
        List<String> asNobody = List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                "--inh-caps=+net_raw,+net_admin,+ipc_lock", "--ambient-caps=+net_raw,+net_admin,+ipc_lock");
        try (XskWorkers app = XskWorkers.startWith(b, asNobody, veth.ifB(), 4, syrupd.socket)) {
            assertThat(app.register(id, 4)).startsWith("REFUSED forbidden: deployment " + id + " belongs to uid 0")
                    .contains("you are uid " + NOBODY);
            send(100);
            awaitFallback(id, 100);
            assertThat(app.counts()).containsExactly(0, 0, 0, 0);
        }
    }

    @Test
    void aDescriptorThatIsNotAnAfXdpSocketIsRefusedAndTheRegisteredSetStays() throws Exception {
        String id = deploy(4);
        try (XskWorkers app = XskWorkers.startRegistering(b, veth.ifB(), 4, id, syrupd.socket)) {
            // syrup_ctl passes its stdin, a pipe, as an AF_XDP socket; then a UDP socket (bash's /dev/udp).
            assertThat(registerFds(id, "0")).contains("invalid-request").contains("descriptor 0 passed is not a socket");
            assertThat(registerFds(id, "3")).contains("invalid-request")
                    .contains("descriptor 0 passed is not an AF_XDP socket (address family 2)");

            send(400);
            assertThat(app.awaitTotal(400, WAIT)).containsExactly(100, 100, 100, 100);
        }
    }

    /** Runs syrup_ctl register-xsk id fd with fd 3 a UDP socket; returns its stderr, it having exited with 1. */
    private String registerFds(String id, String fd) throws Exception {
        Process ctl = new ProcessBuilder("bash", "-c", "exec 3<>/dev/udp/127.0.0.1/9 && exec \"$@\"", "bash",
                TestApps.binary(TestApps.SYRUP_CTL).toString(), "--socket", syrupd.socket.toString(), "register-xsk", id,
                fd).start();
        assertThat(ctl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String err = new String(ctl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ctl.exitValue()).as(err).isEqualTo(1);
        return err;
    }

    private void awaitFallback(String id, long expected) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (target(id).fallback() < expected && System.nanoTime() < deadline) {
            SyrupdProcess.sleep(50);
        }
        assertThat(target(id).fallback()).isEqualTo(expected);
    }
}
