package dev.syrup.cli;

import dev.syrup.api.DeploymentView;
import dev.syrup.api.HookSpec;
import dev.syrup.client.SyrupClient;
import dev.syrup.hook.Hook;
import dev.syrup.hook.Protocol;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "deploy", description = {
        "Compile a policy and attach it at an application's port.",
        "Prints the deployment's id (the deployment as JSON with --json). Give --hook twice to deploy "
                + "at both hooks, e.g.:",
        "  syrup deploy rr.c --hook socket-select --hook xdp-cpu --port 9000 --netns app --interface eth0"})
public final class DeployCommand extends SyrupCommand {
    @Mixin
    DaemonSocket daemon;

    @Parameters(index = "0", paramLabel = "POLICY.c", description = "The policy's C source")
    Path policy;

    @Option(names = "--hook", required = true, paramLabel = "HOOK", converter = Converters.HookName.class,
            completionCandidates = Converters.HookNames.class,
            description = "socket-select or xdp-cpu; give it twice for both (they share port, protocol and netns)")
    List<Hook> hooks;

    @Option(names = "--port", required = true, paramLabel = "N", description = "The application's port")
    int port;

    @Option(names = {"--proto", "--protocol"}, paramLabel = "udp|tcp", converter = Converters.ProtocolName.class,
            description = "The port's protocol (default: udp)")
    Protocol protocol;

    @Option(names = "--netns", paramLabel = "NAME|PATH",
            description = "The application's network namespace: a name under /var/run/netns or a path "
                    + "(default: the caller's own)")
    String netns;

    @Option(names = "--interface", paramLabel = "IF", description = "xdp-cpu: the interface the packets arrive on")
    String iface;

    @Option(names = "--cpus", split = ",", paramLabel = "CPU", description = "xdp-cpu: the executor CPUs, e.g. 0,1 (default: all)")
    List<Integer> cpus;

    @Option(names = "--json", description = "Print the deployment as JSON")
    boolean json;

    /** One hook spec per --hook, validated together. */
    List<HookSpec> hookSpecs() {
        if (port < 1 || port > 65535) {
            throw usage("--port " + port + " is out of range 1-65535");
        }
        if (new HashSet<>(hooks).size() != hooks.size()) {
            throw usage("each hook can be given once");
        }
        boolean xdp = hooks.contains(Hook.XDP_CPU);
        if (xdp && iface == null) {
            throw usage("--hook xdp-cpu needs --interface");
        }
        if (!xdp && (iface != null || cpus != null)) {
            throw usage("--interface and --cpus apply only to --hook xdp-cpu");
        }
        String proto = protocol == null ? null : protocol.toString();
        List<HookSpec> specs = new ArrayList<>();
        for (Hook h : hooks) {
            specs.add(h == Hook.SOCKET_SELECT ? HookSpec.socketSelect(port, proto, netns)
                    : HookSpec.xdpCpu(port, proto, netns, iface, cpus));
        }
        return specs;
    }

    @Override
    protected int run() throws Exception {
        List<HookSpec> specs = hookSpecs();
        try (SyrupClient client = daemon.connect()) {
            DeploymentView d = client.deploy(policy, specs);
            if (json) {
                printJson(d);
            } else {
                println(d.id());
            }
        }
        return ExitCodes.OK;
    }
}
