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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-packet cost of socket select under real traffic, from the kernel's BPF run-time statistics
 * (kernel.bpf_stats_enabled: run_time_ns / run_cnt of the program the socket group runs):
 * <ul>
 * <li>bare: round robin written directly as an sk_reuseport program (bench/bpf);
 * <li>hook: round_robin.c in Syrup's socket-select wrapper, attached directly to the group;
 * <li>dispatcher: the full path, root dispatcher tail-calling the wrapped policy.
 * </ul>
 * Variants alternate within each round, so machine noise hits them alike; ratios are to bare.
 */
public final class DataPlaneCostBench {
    private static final int PORT = 9000;
    private static final Path STATS_SYSCTL = Path.of("/proc/sys/kernel/bpf_stats_enabled");

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
        String oldStats = Files.readString(STATS_SYSCTL).trim();
        Files.writeString(STATS_SYSCTL, "1");
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "syrup", "bench");
        Sdk sdk = Sdk.extract(cache);
        PolicyCompiler compiler = new PolicyCompiler(sdk, new ObjectCache(cache.resolve("objects")));
        PinLayout layout = new PinLayout(Path.of("/sys/fs/bpf/syrup-bench-" + ProcessHandle.current().pid()));
        try (NetNs ns = NetNs.create(); UdpWorkers workers = UdpWorkers.start(ns, "127.0.0.1", PORT, 4)) {
            Deployer deployer = new Deployer(layout, compiler, sdk, Netns.XDP_MODE_AUTO);
            new DataPlaneCostBench(ns, workers, deployer, packets).run(rounds);
        } finally {
            Files.writeString(STATS_SYSCTL, oldStats);
            Bpffs.removeTree(layout.root());
        }
    }

    private void run(int rounds) throws Exception {
        Path bare = compileBare();
        Map<String, List<Double>> results = new LinkedHashMap<>();
        for (String v : List.of("bare", "hook", "dispatcher")) {
            results.put(v, new ArrayList<>());
        }
        System.out.printf("socket select, 4 UDP sockets, %d datagrams per run, %d rounds%n", packets, rounds);
        for (int r = 1; r <= rounds; r++) {
            results.get("bare").add(measureBare(bare));
            results.get("hook").add(measureSyrup(false));
            results.get("dispatcher").add(measureSyrup(true));
            System.out.printf("round %d: bare %.1f ns, hook %.1f ns, dispatcher %.1f ns%n", r,
                    last(results.get("bare")), last(results.get("hook")), last(results.get("dispatcher")));
        }
        double base = median(results.get("bare"));
        System.out.println();
        System.out.println("| variant | median ns/packet | min | max | ratio to bare (median) |");
        System.out.println("|---|---|---|---|---|");
        results.forEach((v, xs) -> System.out.printf("| %s | %.1f | %.1f | %.1f | %.2f |%n", v, median(xs),
                xs.stream().mapToDouble(d -> d).min().orElse(0), xs.stream().mapToDouble(d -> d).max().orElse(0),
                median(xs) / base));
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

    /** round_robin.c deployed by Syrup; measured at the dispatcher, or with the wrapped policy attached alone. */
    private double measureSyrup(boolean throughDispatcher) throws Exception {
        Deployment d = deployer.deploy(PolicySource.fromFile(examples().resolve("round_robin.c")), List.of(target));
        try {
            Path progPin = throughDispatcher ? deployer.layout().socketSelectDispatcher(target.netns()).resolve("prog")
                    : deployer.layout().target(d.id(), target).resolve("prog");
            try (Fd prog = Bpf.open(progPin)) {
                if (!throughDispatcher) {
                    List<Fd> socks = ReuseportSockets.take(ReuseportSockets.find(target.netns(), Protocol.UDP, PORT)
                            .subList(0, 1), Protocol.UDP, PORT);
                    try (Fd sock = socks.get(0)) {
                        Sockets.attachReuseport(sock, prog); // replaces the dispatcher for this group
                    }
                }
                return nsPerPacket(prog);
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

    private Path compileBare() throws Exception {
        Path src = Path.of(System.getProperty("syrup.bench.bpf", "bench/bpf"), "bare_round_robin.bpf.c");
        Path out = Files.createTempFile("bare_round_robin", ".bpf.o");
        Process p = new ProcessBuilder("clang", "-target", "bpf", "-O2", "-g", "-mcpu=v3", "-I/usr/include/"
                + multiarch(), "-c", src.toString(), "-o", out.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("compiling " + src + " failed");
        }
        return out;
    }

    private static String multiarch() throws Exception {
        Process p = new ProcessBuilder("gcc", "-dumpmachine").start();
        return new String(p.getInputStream().readAllBytes()).trim();
    }

    private static Path examples() {
        return Path.of(System.getProperty("syrup.examples", "examples"), "policies");
    }

    private static double last(List<Double> xs) { return xs.get(xs.size() - 1); }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }
}
