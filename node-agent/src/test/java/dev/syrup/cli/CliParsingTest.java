package dev.syrup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.api.HookSpec;
import dev.syrup.client.SyrupClient;
import dev.syrup.daemon.DaemonOptions;
import dev.syrup.policy.PolicySource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** How command lines parse: pure logic, no daemon or kernel. */
class CliParsingTest {
    private static <T> T parsed(Class<T> type, String... args) {
        ParseResult r = new CommandLine(new Syrup()).parseArgs(args);
        while (r.hasSubcommand()) {
            r = r.subcommand();
        }
        return type.cast(r.commandSpec().userObject());
    }

    @Test
    void twoHooksShareThePortAndNamespace() {
        DeployCommand d = parsed(DeployCommand.class, "deploy", "rr.c", "--hook", "socket-select", "--hook", "xdp-cpu",
                "--port", "9000", "--proto", "TCP", "--netns", "app", "--interface", "eth0", "--cpus", "0,1");
        assertThat(d.hookSpecs()).containsExactly(HookSpec.socketSelect(9000, "tcp", "app"),
                HookSpec.xdpCpu(9000, "tcp", "app", "eth0", List.of(0, 1)));
        assertThat(d.policy).isEqualTo(Path.of("rr.c"));
    }

    @Test
    void defaultsAreLeftToSyrupd() {
        DeployCommand d = parsed(DeployCommand.class, "deploy", "rr.c", "--hook", "socket-select", "--port", "53");
        assertThat(d.hookSpecs()).containsExactly(new HookSpec("socket-select", 53, null, null, null, null));
    }

    @Test
    void threadHookTakesAProcessOrACgroupAndCanJoinANetworkHook() {
        DeployCommand d = parsed(DeployCommand.class, "deploy", "pin.c", "--hook", "thread", "--pid", "42", "--cpus", "1");
        assertThat(d.hookSpecs()).containsExactly(HookSpec.thread(42, null, List.of(1)));
        d = parsed(DeployCommand.class, "deploy", "scan_core.c", "--hook", "socket-select", "--hook", "thread",
                "--port", "9000", "--cgroup", "/app");
        assertThat(d.hookSpecs()).containsExactly(HookSpec.socketSelect(9000, null, null), HookSpec.thread(null, "/app", null));
        d = parsed(DeployCommand.class, "deploy", "pin.c", "--hook", "thread", "--pid", "42", "--cpus", "0",
                "--threads", "registered");
        assertThat(d.hookSpecs()).containsExactly(HookSpec.registeredThreads(42, null, List.of(0)));
    }

    @Test
    void threadHookUsageErrors() {
        assertUsageError("--hook thread needs --pid or --cgroup", "deploy", "p.c", "--hook", "thread");
        assertUsageError("--hook thread needs --pid or --cgroup", "deploy", "p.c", "--hook", "thread", "--pid", "1",
                "--cgroup", "/a");
        assertUsageError("--pid applies only to --hook thread and --hook xdp-socket", "deploy", "p.c", "--hook",
                "socket-select", "--port", "1", "--pid", "1");
        assertUsageError("--cgroup and --threads apply only to --hook thread", "deploy", "p.c", "--hook",
                "socket-select", "--port", "1", "--threads", "registered");
        assertUsageError("--threads is all or registered", "deploy", "p.c", "--hook", "thread", "--pid", "1",
                "--threads", "some");
        assertUsageError("apply only to the network hooks", "deploy", "p.c", "--hook", "thread", "--pid", "1",
                "--port", "9000");
        assertUsageError("--cpus applies only to", "deploy", "p.c", "--hook", "socket-select", "--port", "1",
                "--cpus", "0");
        assertUsageError("cannot test-run the thread hook", "test", "p.c", "--hook", "thread", "--payload", "x");
    }

    @Test
    void xdpSocketHookTakesTheProcessAndInterface() {
        DeployCommand d = parsed(DeployCommand.class, "deploy", "rr.c", "--hook", "xdp-socket", "--port", "9000",
                "--pid", "42", "--interface", "eth0", "--netns", "app");
        assertThat(d.hookSpecs()).containsExactly(HookSpec.xdpSocket(9000, null, "app", "eth0", 42));
        assertUsageError("--hook xdp-socket needs --pid", "deploy", "rr.c", "--hook", "xdp-socket", "--port", "1",
                "--interface", "eth0");
        assertUsageError("--hook xdp-socket needs --interface", "deploy", "rr.c", "--hook", "xdp-socket", "--port", "1",
                "--pid", "42");
        assertUsageError("--cpus applies only to", "deploy", "rr.c", "--hook", "xdp-socket", "--port", "1",
                "--pid", "42", "--interface", "eth0", "--cpus", "0");
    }

    @Test
    void xdpSocketHookTakesSocketsToComeInsteadOfAProcess() {
        DeployCommand d = parsed(DeployCommand.class, "deploy", "rr.c", "--hook", "xdp-socket", "--port", "9000",
                "--sockets", "4", "--interface", "eth0");
        assertThat(d.hookSpecs()).containsExactly(HookSpec.xdpRegisteredSockets(9000, null, null, "eth0", 4));
        assertUsageError("--sockets applies only to --hook xdp-socket, without --pid", "deploy", "rr.c", "--hook",
                "xdp-socket", "--port", "1", "--interface", "eth0", "--pid", "42", "--sockets", "4");
        assertUsageError("--sockets applies only to --hook xdp-socket", "deploy", "rr.c", "--hook", "socket-select",
                "--port", "1", "--sockets", "4");
    }

    @Test
    void deployUsageErrorsExitWith2() {
        assertUsageError("--hook xdp-cpu needs --interface", "deploy", "rr.c", "--hook", "xdp-cpu", "--port", "1");
        assertUsageError("applies only to --hook xdp-cpu", "deploy", "rr.c", "--hook", "socket-select", "--port", "1",
                "--interface", "eth0");
        assertUsageError("each hook can be given once", "deploy", "rr.c", "--hook", "socket-select",
                "--hook", "socket-select", "--port", "1");
        assertUsageError("unknown hook 'sched'", "deploy", "rr.c", "--hook", "sched", "--port", "1");
        assertUsageError("unknown protocol 'sctp'", "deploy", "rr.c", "--hook", "socket-select", "--port", "1",
                "--proto", "sctp");
        assertUsageError("out of range", "deploy", "rr.c", "--hook", "socket-select", "--port", "70000");
        assertUsageError("--hook socket-select needs --port", "deploy", "rr.c", "--hook", "socket-select");
        assertUsageError("missing command");
        assertUsageError("Unmatched argument", "frobnicate");
        assertUsageError("missing subcommand", "map");
        assertUsageError("Missing required parameter", "map", "get", "abc", "counts");
    }

    @Test
    void testNeedsAPayloadAndSaneNumbers() {
        assertUsageError("Missing required argument", "test", "rr.c", "--hook", "xdp-cpu");
        assertUsageError("--executors must be between 1 and 64", "test", "rr.c", "--hook", "xdp-cpu",
                "--payload", "x", "--executors", "65");
    }

    @Test
    void payloadsKeepTheirOrderAcrossKinds() {
        TestCommand t = parsed(TestCommand.class, "test", "rr.c", "--hook", "socket-select", "--payload", "GET a",
                "--payload-hex", "0a0b", "--payload", "hex:02");
        assertThat(t.payloads).extracting(TestCommand.Payload::shown).containsExactly("\"GET a\"", "hex:0a0b", "hex:02");
        assertThat(t.payloads.get(0).bytes()).containsExactly('G', 'E', 'T', ' ', 'a');
        assertThat(t.executors).isEqualTo(4);
    }

    @Test
    void checkDefaultsToTheHooksThePolicyDefinesAnEntryFor() {
        CheckCommand c = parsed(CheckCommand.class, "check", "rr.c");
        assertThat(c.hooks).isNull();
        assertThat(CheckCommand.defaultHooks(PolicySource.of("rr.c", "uint32_t schedule(void *a, void *b) { return 0; }")))
                .extracting(h -> h.cliName()).containsExactly("socket-select", "xdp-cpu", "xdp-socket");
        assertThat(CheckCommand.defaultHooks(PolicySource.of("t.c", "uint32_t schedule_thread(const struct syrup_thread *t)")))
                .extracting(h -> h.cliName()).containsExactly("thread");
        assertThat(CheckCommand.defaultHooks(PolicySource.of("x.c", "uint32_t schedule (void *a, void *b);\n"
                + "uint32_t schedule_thread(const struct syrup_thread *t);")))
                .extracting(h -> h.cliName()).containsExactly("socket-select", "xdp-cpu", "xdp-socket", "thread");
        assertThat(c.kernel.cacheDir).isEqualTo(Path.of("/var/cache/syrup"));
        assertThat(c.kernel.pinRoot).isEqualTo(Path.of("/sys/fs/bpf/syrup"));
    }

    @Test
    void daemonOptions() {
        DaemonOptions defaults = parsed(DaemonCommand.class, "daemon").options();
        assertThat(defaults.socket()).isEqualTo(SyrupClient.defaultSocket());
        assertThat(defaults.pinRoot()).isEqualTo(Path.of("/sys/fs/bpf/syrup"));
        assertThat(defaults.stateDir()).isEqualTo(Path.of("/run/syrup/state"));
        assertThat(defaults.cacheDir()).isEqualTo(Path.of("/var/cache/syrup"));
        DaemonOptions set = parsed(DaemonCommand.class, "daemon", "--socket", "/tmp/s.sock", "--pin-root", "/sys/fs/bpf/x",
                "--state-dir", "/tmp/state", "--cache-dir", "/tmp/cache").options();
        assertThat(set).isEqualTo(new DaemonOptions(Path.of("/tmp/s.sock"), Path.of("/sys/fs/bpf/x"),
                Path.of("/tmp/state"), Path.of("/tmp/cache")));
    }

    @Test
    void theSocketFlagBeatsTheEnvironmentWhichBeatsTheDefault() {
        assertThat(SyrupClient.defaultSocket(Map.of())).isEqualTo(Path.of("/run/syrup/syrupd.sock"));
        assertThat(SyrupClient.defaultSocket(Map.of("SYRUP_SOCKET", "/tmp/env.sock"))).isEqualTo(Path.of("/tmp/env.sock"));
        assertThat(parsed(ListCommand.class, "list", "--socket", "/tmp/flag.sock").daemon.path())
                .isEqualTo(Path.of("/tmp/flag.sock"));
    }

    @Test
    void helpAndVersionExitWith0() {
        CliRun help = CliRun.of("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("deploy", "check", "3   syrupd is not reachable");
        assertThat(CliRun.of("map", "dump", "--help").exitCode()).isZero();
        assertThat(CliRun.of("--version").out()).startsWith("syrup ");
    }

    private static void assertUsageError(String message, String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(message);
        assertThat(r.out()).isEmpty();
    }
}
