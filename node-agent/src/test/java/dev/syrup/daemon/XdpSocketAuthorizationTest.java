package dev.syrup.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syrup.api.HookSpec;
import dev.syrup.error.DomainException;
import dev.syrup.error.ErrorKind;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.XdpSocketTarget;
import dev.syrup.testing.NetNs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Whose AF_XDP sockets a caller may hand to a policy: only its own uid's processes' (root: any),
 * checked on real processes before anything is taken or attached.
 */
class XdpSocketAuthorizationTest {
    private static final int SELF = (int) ProcessHandle.current().pid();
    private static final int USER = 1000;

    @Test
    void aRequestNamesTheProcessAndTheInterface() {
        try (NetNs ns = NetNs.create()) {
            HookTarget t = HookTargets.of(HookSpec.xdpSocket(9372, "udp", ns.path().toString(), "eth0", 42), root());
            assertThat(t).isInstanceOfSatisfying(XdpSocketTarget.class, x -> {
                assertThat(x.pid()).isEqualTo(42);
                assertThat(x.iface()).isEqualTo("eth0");
                assertThat(x.port()).isEqualTo(9372);
            });
            assertThatThrownBy(() -> HookTargets.of(new HookSpec("xdp-socket", 9372, null, ns.path().toString(), "eth0",
                    null), root())).hasMessageContaining("xdp-socket needs \"pid\"");
            assertThatThrownBy(() -> HookTargets.of(new HookSpec("xdp-socket", 9372, null, ns.path().toString(), null,
                    null, 42, null, null), root())).hasMessageContaining("xdp-socket needs \"interface\"");
        }
    }

    @Test
    void aRequestMayNameSocketsToComeInsteadOfTheProcess() {
        try (NetNs ns = NetNs.create()) {
            String path = ns.path().toString();
            HookTarget t = HookTargets.of(HookSpec.xdpRegisteredSockets(9372, "udp", path, "eth0", 4), root());
            assertThat(t).isInstanceOfSatisfying(XdpSocketTarget.class, x -> {
                assertThat(x.registersSockets()).isTrue();
                assertThat(x.sockets()).isEqualTo(4);
            });
            assertThatThrownBy(() -> HookTargets.of(new HookSpec("xdp-socket", 9372, null, path, "eth0", null, 42, null,
                    null, 4), root())).hasMessageContaining("not both");
            assertThatThrownBy(() -> HookTargets.of(HookSpec.xdpRegisteredSockets(9372, "udp", path, "eth0", 65), root()))
                    .hasMessageContaining("between 1 and 64");
            assertThatThrownBy(() -> HookTargets.of(new HookSpec("socket-select", 9372, null, path, null, null, null, null,
                    null, 4), root())).hasMessageContaining("socket-select takes no \"sockets\"");
            // Sockets to come are checked when they come (xsk.register), not at deploy: no process to check now.
            assertThatThrownBy(() -> Authorizer.checkTarget(t, user())).hasMessageContaining("only root may deploy it");
        }
    }

    @Test
    void anotherUidsProcessIsRefused() {
        // This JVM runs as root: its sockets are not a user's to give away.
        DomainException e = catchDomain(() -> Authorizer.checkTarget(target(SELF), user()));
        assertThat(e.kind()).isEqualTo(ErrorKind.FORBIDDEN);
        assertThat(e.getMessage()).contains("process " + SELF + " belongs to uid 0, not yours (" + USER + ")");
    }

    @Test
    void aUsersOwnProcessPassesThatCheckButTheInterfaceStaysRoots() throws Exception {
        Process own = new ProcessBuilder("setpriv", "--reuid", Integer.toString(USER), "--regid", Integer.toString(USER),
                "--clear-groups", "sleep", "30").start();
        try {
            awaitUid(own.pid());
            DomainException e = catchDomain(() -> Authorizer.checkTarget(target((int) own.pid()), user()));
            assertThat(e.kind()).isEqualTo(ErrorKind.FORBIDDEN);
            assertThat(e.getMessage()).contains("only root may deploy it").doesNotContain("not yours");
            assertThatCode(() -> Authorizer.checkTarget(target((int) own.pid()), root())).doesNotThrowAnyException();
        } finally {
            own.destroyForcibly().waitFor();
        }
    }

    private static XdpSocketTarget target(int pid) {
        return new XdpSocketTarget(NetnsRef.of(Path.of("/proc/self/ns/net")), "eth0",
                Protocol.UDP, 9372, pid);
    }

    private static PeerIdentity user() { return new PeerIdentity(SELF, USER, "/apps/user"); }

    private static PeerIdentity root() { return new PeerIdentity(SELF, 0, "/apps/root"); }

    private static DomainException catchDomain(Runnable r) {
        try {
            r.run();
        } catch (DomainException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }

    /** setpriv changes its uid before it execs sleep: wait until /proc shows the user's. */
    private static void awaitUid(long pid) throws IOException, InterruptedException {
        Path proc = Path.of("/proc/" + pid);
        for (int i = 0; i < 200; i++) {
            if ((int) Files.getAttribute(proc, "unix:uid") == USER) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("process " + pid + " never became uid " + USER);
    }
}
