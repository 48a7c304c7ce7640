package dev.syrup.cli;

import dev.syrup.api.DeploymentView;
import dev.syrup.api.HookSpec;
import dev.syrup.client.SyrupClient;
import dev.syrup.policy.Hook;
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
        "Compile a policy and attach it at an application's port, or to its threads.",
        "Prints the deployment's id (the deployment as JSON with --json). Give --hook several times to deploy "
                + "at several hooks, e.g.:",
        "  syrup deploy rr.c --hook socket-select --hook xdp-cpu --port 9000 --netns app --interface eth0",
        "  syrup deploy scan_core.c --hook socket-select --hook thread --port 9000 --pid 4242",
        "  syrup deploy rr.c --hook xdp-socket --port 9000 --pid 4242 --interface eth0",
        "  syrup deploy rr.c --hook xdp-socket --port 9000 --sockets 4 --interface eth0"})
public final class DeployCommand extends SyrupCommand {
    @Mixin
    DaemonSocket daemon;

    @Parameters(index = "0", paramLabel = "POLICY.c", description = "The policy's C source")
    Path policy;

    @Option(names = "--hook", required = true, paramLabel = "HOOK", converter = Converters.HookName.class,
            completionCandidates = Converters.HookNames.class,
            description = "socket-select, xdp-cpu, xdp-socket or thread; may be repeated (network hooks share port, protocol and netns)")
    List<Hook> hooks;

    @Option(names = "--port", paramLabel = "N", description = "socket-select, xdp-cpu, xdp-socket: the application's port")
    Integer port;

    @Option(names = "--pid", paramLabel = "PID", description = "thread: schedule the threads of this process's cgroup v2; "
            + "xdp-socket: the process whose AF_XDP sockets are the executors")
    Integer pid;

    @Option(names = "--sockets", paramLabel = "N", description = "xdp-socket: instead of --pid, N executors (1 to 64) whose "
            + "AF_XDP sockets the application registers itself (sy_register_xsk)")
    Integer sockets;

    @Option(names = "--cgroup", paramLabel = "PATH",
            description = "thread: schedule the threads of this cgroup v2 (a path below the v2 root, or under its mount point)")
    String cgroup;

    @Option(names = "--threads", paramLabel = "all|registered",
            description = "thread: schedule every thread of the cgroup (all, the default) or only the threads its "
                    + "processes register through the client libraries (registered)")
    String threads;

    @Option(names = {"--proto", "--protocol"}, paramLabel = "udp|tcp", converter = Converters.ProtocolName.class,
            description = "The port's protocol (default: udp)")
    Protocol protocol;

    @Option(names = "--netns", paramLabel = "NAME|PATH",
            description = "The application's network namespace: a name under /var/run/netns or a path "
                    + "(default: the caller's own)")
    String netns;

    @Option(names = "--interface", paramLabel = "IF", description = "xdp-cpu, xdp-socket: the interface the packets arrive on")
    String iface;

    @Option(names = "--cpus", split = ",", paramLabel = "CPU", description = "xdp-cpu, thread: the executor CPUs, e.g. 0,1 "
            + "(default: xdp-cpu every CPU, thread the CPUs the application may use)")
    List<Integer> cpus;

    @Option(names = "--json", description = "Print the deployment as JSON")
    boolean json;

    /** One hook spec per --hook, validated together. */
    List<HookSpec> hookSpecs() {
        if (new HashSet<>(hooks).size() != hooks.size()) {
            throw usage("each hook can be given once");
        }
        boolean network = hooks.stream().anyMatch(Hook::isNetwork);
        boolean thread = hooks.contains(Hook.THREAD);
        if (network && port == null) {
            throw usage("--hook " + hooks.stream().filter(Hook::isNetwork).findFirst().get() + " needs --port");
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw usage("--port " + port + " is out of range 1-65535");
        }
        if (!network && (port != null || protocol != null || netns != null)) {
            throw usage("--port, --proto and --netns apply only to the network hooks");
        }
        if (thread && (pid == null) == (cgroup == null)) {
            throw usage("--hook thread needs --pid or --cgroup (one of them)");
        }
        boolean xdpSocket = hooks.contains(Hook.XDP_SOCKET);
        if (xdpSocket && pid == null && sockets == null) {
            throw usage("--hook xdp-socket needs --pid (the process holding the AF_XDP sockets) or --sockets (how many"
                    + " the application registers)");
        }
        if (sockets != null && (!xdpSocket || (pid != null && !thread))) {
            throw usage("--sockets applies only to --hook xdp-socket, without --pid");
        }
        if (!thread && (cgroup != null || threads != null)) {
            throw usage("--cgroup and --threads apply only to --hook thread");
        }
        if (!thread && !xdpSocket && pid != null) {
            throw usage("--pid applies only to --hook thread and --hook xdp-socket");
        }
        if (threads != null && !threads.equals(HookSpec.ALL_THREADS) && !threads.equals(HookSpec.REGISTERED_THREADS)) {
            throw usage("--threads is all or registered, not " + threads);
        }
        boolean xdpCpu = hooks.contains(Hook.XDP_CPU);
        if ((xdpCpu || xdpSocket) && iface == null) {
            throw usage("--hook " + (xdpCpu ? Hook.XDP_CPU : Hook.XDP_SOCKET) + " needs --interface");
        }
        if (!xdpCpu && !xdpSocket && iface != null) {
            throw usage("--interface applies only to --hook xdp-cpu and --hook xdp-socket");
        }
        if (!xdpCpu && !thread && cpus != null) {
            throw usage("--cpus applies only to --hook xdp-cpu and --hook thread");
        }
        String proto = protocol == null ? null : protocol.toString();
        List<HookSpec> specs = new ArrayList<>();
        for (Hook h : hooks) {
            specs.add(switch (h) {
                case SOCKET_SELECT -> HookSpec.socketSelect(port, proto, netns);
                case XDP_CPU -> HookSpec.xdpCpu(port, proto, netns, iface, cpus);
                case XDP_SOCKET -> sockets != null ? HookSpec.xdpRegisteredSockets(port, proto, netns, iface, sockets)
                        : HookSpec.xdpSocket(port, proto, netns, iface, pid);
                case THREAD -> HookSpec.REGISTERED_THREADS.equals(threads)
                        ? HookSpec.registeredThreads(pid, cgroup, cpus) : HookSpec.thread(pid, cgroup, cpus);
            });
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
