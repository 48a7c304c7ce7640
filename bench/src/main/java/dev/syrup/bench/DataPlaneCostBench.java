package dev.syrup.bench;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Netns;
import dev.syrup.bpf.Sockets;
import dev.syrup.bpf.Bpffs;
import dev.syrup.deploy.Deployer;
import dev.syrup.deploy.Deployment;
import dev.syrup.hook.PinLayout;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.ReuseportSockets;
import dev.syrup.hook.SocketSelectTarget;
import dev.syrup.policy.ObjectCache;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.Sdk;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Per-packet cost of Syrup's data path against the same policy written directly for the hook.
 * Socket select, under real traffic, from the kernel's BPF run-time statistics
 * (kernel.bpf_stats_enabled: run_time_ns / run_cnt of the program the socket group runs):
 * <ul>
 * <li>bare: round robin written directly as an sk_reuseport program (bench/bpf);
 * <li>syrup: round_robin.c deployed by Syrup, the program the agent attaches to the group;
 * <li>tail call (before): the earlier path, a root dispatcher tail-calling that same program.
 * </ul>
 * Then xdp-cpu with BPF_PROG_TEST_RUN (see {@link XdpCpuCost}). Variants alternate within each
 * round, so machine noise hits them alike; ratios are to bare.
 */
public final class DataPlaneCostBench {
    static final int PORT = 9000;
    private static final Path STATS_SYSCTL = Path.of("/proc/sys/kernel/bpf_stats_enabled");
    private static final String BARE = "bare", SYRUP = "syrup", TAIL_CALL = "tail call (before)";

    private final NetNs ns;
    private final UdpWorkers workers;
    private final Deployer deployer;
    private final SocketSelectTarget target;
    private final int packets;

    private DataPlaneCostBench(NetNs ns, UdpWorkers workers, Deployer deployer, int packets) {
        this.ns = ns;
        this.workers = workers;
        this.deployer = deployer;
        this.target = new SocketSelectTarget(NetnsRef.of(ns.path()), Protocol.UDP, PORT);
        this.packets = packets;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int packets = args.length > 1 ? Integer.parseInt(args[1]) : 20000;
        int repeat = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        String oldStats = Files.readString(STATS_SYSCTL).trim();
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "syrup", "bench");
        Sdk sdk = Sdk.extract(cache);
        BenchBpf.sdkBpfDir = sdk.bpfDir();
        PolicyCompiler compiler = new PolicyCompiler(sdk, new ObjectCache(cache.resolve("objects")));
        PinLayout layout = new PinLayout(Path.of("/sys/fs/bpf/syrup-bench-" + ProcessHandle.current().pid()));
        Path tailCall = BenchBpf.compile("tail_call_dispatch");
        MachineLoad load = new MachineLoad();
        try (NetNs ns = NetNs.create(); UdpWorkers workers = UdpWorkers.start(ns, "127.0.0.1", PORT, 4)) {
            Deployer deployer = new Deployer(layout, compiler, sdk, Netns.XDP_MODE_AUTO);
            Files.writeString(STATS_SYSCTL, "1");
            new DataPlaneCostBench(ns, workers, deployer, packets).run(rounds, tailCall);
            // Test runs time themselves; the statistics would add their own clock reads to every run.
            Files.writeString(STATS_SYSCTL, "0");
            XdpCpuCost.run(ns, deployer, rounds, repeat, tailCall);
            System.out.println("machine during the run: " + load.describe());
        } finally {
            Files.writeString(STATS_SYSCTL, oldStats);
            Bpffs.removeTree(layout.root());
        }
    }

    private void run(int rounds, Path tailCall) throws Exception {
        Path bare = BenchBpf.compile("bare_round_robin");
        Figures figures = new Figures(List.of(BARE, SYRUP, TAIL_CALL));
        System.out.printf("socket select, 4 UDP sockets, %d datagrams per run, %d rounds%n", packets, rounds);
        for (int r = 1; r <= rounds; r++) {
            figures.add(BARE, measureBare(bare));
            figures.add(SYRUP, measureSyrup(null));
            figures.add(TAIL_CALL, measureSyrup(tailCall));
            System.out.printf("round %d: %s %.1f ns, %s %.1f ns, %s %.1f ns%n", r, BARE, figures.last(BARE), SYRUP,
                    figures.last(SYRUP), TAIL_CALL, figures.last(TAIL_CALL));
        }
        figures.print(BARE);
    }

    /** The baseline program, attached straight to the application's socket group. */
    private double measureBare(Path object) throws Exception {
        List<Fd> socks = ReuseportSockets.take(ReuseportSockets.find(target.netns(), Protocol.UDP, PORT), Protocol.UDP, PORT);
        try (BpfObject obj = BpfObject.open(object)) {
            obj.load();
            try (BpfMap map = obj.map("bare_socks"); Fd prog = obj.program("bare_round_robin")) {
                for (int i = 0; i < socks.size(); i++) {
                    map.update(BpfMap.u32(i), BpfMap.u64(socks.get(i).get()));
                }
                Sockets.attachReuseport(socks.get(0), prog);
                double ns = nsPerPacket(prog);
                Sockets.detachReuseport(socks.get(0));
                for (int i = 0; i < socks.size(); i++) {
                    map.delete(BpfMap.u32(i)); // a socket can be in one socket array at a time
                }
                return ns;
            }
        } finally {
            socks.forEach(Fd::close);
        }
    }

    /**
     * round_robin.c deployed by Syrup; measured at the program the group runs, or, given the tail
     * call dispatcher's object, with that dispatcher attached in front of it.
     */
    private double measureSyrup(Path tailCallDispatcher) throws Exception {
        Deployment d = deployer.deploy(PolicySource.fromFile(examples().resolve("round_robin.c")), List.of(target));
        try (Fd prog = Bpf.open(deployer.layout().target(d.id(), target).resolve("prog"))) {
            if (tailCallDispatcher == null) {
                return nsPerPacket(prog);
            }
            try (BpfObject obj = BpfObject.open(tailCallDispatcher)) {
                obj.load();
                try (BpfMap ports = obj.map("tail_call_ports"); Fd dispatcher = obj.program("tail_call_dispatch");
                     Fd sock = ReuseportSockets.take(ReuseportSockets.find(target.netns(), Protocol.UDP, PORT)
                             .subList(0, 1), Protocol.UDP, PORT).get(0)) {
                    ports.update(BpfMap.u32(PORT), BpfMap.u32(prog.get()));
                    Sockets.attachReuseport(sock, dispatcher); // in place of the policy's program
                    return nsPerPacket(dispatcher);
                }
            }
        } finally {
            deployer.remove(d.id());
        }
    }

    private double nsPerPacket(Fd prog) {
        Bpf.ProgramInfo before = Bpf.programInfo(prog);
        workers.reset();
        UdpSender.to("127.0.0.1", PORT).in(ns).count(packets).srcPorts(16).run();
        long[] counts = workers.awaitTotal(packets, Duration.ofSeconds(30));
        Bpf.ProgramInfo after = Bpf.programInfo(prog);
        long runs = after.runCount() - before.runCount();
        for (long c : counts) {
            if (c != packets / counts.length) {
                throw new IllegalStateException("round robin was not exact: " + java.util.Arrays.toString(counts));
            }
        }
        if (runs != packets) {
            throw new IllegalStateException("the program ran " + runs + " times for " + packets + " datagrams");
        }
        return (double) (after.runTimeNs() - before.runTimeNs()) / runs;
    }

    static Path examples() {
        return Path.of(System.getProperty("syrup.examples", "examples"), "policies");
    }
}
