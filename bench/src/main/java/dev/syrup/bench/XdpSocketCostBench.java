package dev.syrup.bench;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Bpffs;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Netns;
import dev.syrup.deploy.Deployer;
import dev.syrup.deploy.Deployment;
import dev.syrup.deploy.TestPacket;
import dev.syrup.hook.AfXdpSockets;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.PinLayout;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.XdpSocketTarget;
import dev.syrup.policy.ObjectCache;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.Sdk;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.Veth;
import dev.syrup.testing.XskWorkers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Per-packet cost of the xdp-socket hook, timed by the kernel with BPF_PROG_TEST_RUN (repeat runs
 * of one UDP datagram for the deployed port, each ending in an XSKMAP redirect to one of the 4
 * AF_XDP sockets of xsk_workers on a veth):
 * <ul>
 * <li>bare: round robin over the sockets written directly as an XDP program (bench/bpf);
 * <li>hook: round_robin.c in Syrup's xdp-socket wrapper, run alone, as the interface's XDP link
 *     runs it while it is the interface's only XDP deployment;
 * <li>syrup: the interface's root dispatcher in front of that program, the path once an interface
 *     has two or more XDP deployments.
 * </ul>
 * Variants alternate within each round; the kernel reports each test run's mean in whole
 * nanoseconds. A test run does not deliver the packet: the figures are the programs' own cost.
 */
public final class XdpSocketCostBench {
    private static final int PORT = 9000;
    private static final int SOCKETS = 4;
    private static final int XDP_REDIRECT = 4;
    private static final String BARE = "bare", HOOK = "hook", SYRUP = "syrup";

    private XdpSocketCostBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int repeat = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "syrup", "bench");
        Sdk sdk = Sdk.extract(cache);
        PolicyCompiler compiler = new PolicyCompiler(sdk, new ObjectCache(cache.resolve("objects")));
        PinLayout layout = new PinLayout(Path.of("/sys/fs/bpf/syrup-bench-" + ProcessHandle.current().pid()));
        Path bareObject = BenchBpf.compile("bare_xdp_socket", "BENCH_PORT=" + PORT, "NR_SOCKETS=" + SOCKETS);
        byte[] packet = TestPacket.udp(40000, PORT, "GET key".getBytes(StandardCharsets.US_ASCII));
        try (NetNs peer = NetNs.create(); NetNs app = NetNs.create()) {
            Veth veth = Veth.connect(peer, app);
            Deployer deployer = new Deployer(layout, compiler, sdk, Netns.XDP_MODE_AUTO);
            try (XskWorkers workers = XskWorkers.start(app, veth.ifB(), SOCKETS)) {
                XdpSocketTarget target = new XdpSocketTarget(NetnsRef.of(app.path()), veth.ifB(), Protocol.UDP, PORT,
                        (int) workers.pid());
                Deployment d = deployer.deploy(PolicySource.fromFile(DataPlaneCostBench.examples().resolve("round_robin.c")),
                        List.of(target));
                List<Fd> sockets = AfXdpSockets.take(target.netns(), target.pid());
                try (BpfObject bare = BpfObject.open(bareObject)) {
                    bare.load();
                    try (BpfMap xsks = bare.map("bare_xsks"); Fd bareProg = bare.program("bare_xdp_socket");
                         Fd hook = Bpf.open(layout.target(d.id(), target).resolve("prog"));
                         Fd syrup = Bpf.open(layout.xdpDispatcher(target.netns(), target.iface()).resolve("prog"))) {
                        for (int i = 0; i < SOCKETS; i++) {
                            xsks.update(BpfMap.u32(i), BpfMap.u32(sockets.get(i).get()));
                        }
                        Figures figures = new Figures(List.of(BARE, HOOK, SYRUP));
                        System.out.printf("xdp-socket, %d AF_XDP sockets, BPF_PROG_TEST_RUN of one UDP datagram, "
                                + "%d runs per sample, %d rounds%n", SOCKETS, repeat, rounds);
                        for (int r = 1; r <= rounds; r++) {
                            figures.add(BARE, nsPerPacket(bareProg, packet, repeat));
                            figures.add(HOOK, nsPerPacket(hook, packet, repeat));
                            figures.add(SYRUP, nsPerPacket(syrup, packet, repeat));
                            System.out.printf("round %d: %s %.0f ns, %s %.0f ns, %s %.0f ns%n", r, BARE,
                                    figures.last(BARE), HOOK, figures.last(HOOK), SYRUP, figures.last(SYRUP));
                        }
                        figures.print(BARE);
                    }
                } finally {
                    sockets.forEach(Fd::close);
                    deployer.remove(d.id());
                }
            }
        } finally {
            Bpffs.removeTree(layout.root());
        }
    }

    private static double nsPerPacket(Fd prog, byte[] packet, int repeat) {
        Bpf.TestRunResult r = Bpf.testRun(prog, packet, repeat);
        if (r.retval() != XDP_REDIRECT) {
            throw new IllegalStateException("the program returned " + r.retval() + ", not XDP_REDIRECT");
        }
        return r.durationNs();
    }
}
