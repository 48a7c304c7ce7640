package dev.syrup.bench;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import dev.syrup.deploy.Deployer;
import dev.syrup.deploy.Deployment;
import dev.syrup.deploy.TestPacket;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.XdpCpuTarget;
import dev.syrup.policy.PolicySource;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.Veth;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Per-packet cost of the xdp-cpu hook, timed by the kernel with BPF_PROG_TEST_RUN (repeat runs
 * of one UDP datagram for the deployed port, each ending in a CPUMAP redirect):
 * <ul>
 * <li>bare: round robin over the CPUs written directly as an XDP program (bench/bpf);
 * <li>syrup: what the interface's XDP link runs for its only deployment: round_robin.c in Syrup's
 *     xdp-cpu wrapper, alone;
 * <li>dispatcher: the interface's root dispatcher (a fast slot) in front of that program, what
 *     runs once the interface has a second deployment, and what one deployment ran before;
 * <li>tail call (before): the earlier dispatcher, a map-indexed tail call, in front of it.
 * </ul>
 * The kernel reports each test run's mean in whole nanoseconds.
 */
final class XdpCpuCost {
    private static final int XDP_REDIRECT = 4;
    private static final String BARE = "bare", SYRUP = "syrup", DISPATCHER = "dispatcher (2+ deployments)",
            TAIL_CALL = "tail call (before)";

    private XdpCpuCost() {}

    static void run(NetNs appNs, Deployer deployer, int rounds, int repeat, Path tailCallObject) throws Exception {
        int port = DataPlaneCostBench.PORT;
        int cpus = Bpf.possibleCpuCount();
        Path bareObject = BenchBpf.compile("bare_xdp_cpu", "BENCH_PORT=" + port, "NR_CPUS=" + cpus);
        byte[] packet = TestPacket.udp(40000, port, "GET key".getBytes(StandardCharsets.US_ASCII));
        try (NetNs peer = NetNs.create()) {
            Veth veth = Veth.connect(peer, appNs);
            XdpCpuTarget target = new XdpCpuTarget(NetnsRef.of(appNs.path()), veth.ifB(), Protocol.UDP, port, List.of());
            Deployment d = deployer.deploy(PolicySource.fromFile(DataPlaneCostBench.examples().resolve("round_robin.c")),
                    List.of(target));
            try (BpfObject bare = BpfObject.open(bareObject); BpfObject before = BpfObject.open(tailCallObject)) {
                bare.load();
                before.load();
                try (BpfMap cpumap = bare.map("bare_cpumap"); Fd bareProg = bare.program("bare_xdp_cpu");
                     Fd hook = Bpf.open(deployer.layout().target(d.id(), target).resolve("prog"));
                     Fd syrup = linked(deployer, target);
                     Fd dispatcher = Bpf.open(deployer.layout().xdpDispatcher(target.netns(), target.iface()).resolve("prog"));
                     BpfMap beforePorts = before.map("tail_call_ports_xdp"); Fd tailCall = before.program("tail_call_dispatch_xdp")) {
                    beforePorts.update(BpfMap.u32(port), BpfMap.u32(hook.get()));
                    for (int cpu = 0; cpu < cpus; cpu++) {
                        // struct bpf_cpumap_val { u32 qsize; int prog_fd; }: no program on the CPU
                        cpumap.update(BpfMap.u32(cpu), ByteBuffer.allocate(8).order(ByteOrder.nativeOrder())
                                .putInt(2048).putInt(0).array());
                    }
                    if (Bpf.programInfo(syrup).id() != Bpf.programInfo(hook).id()) {
                        throw new IllegalStateException("the interface's XDP link does not run the deployment's program");
                    }
                    Figures figures = new Figures(List.of(BARE, SYRUP, DISPATCHER, TAIL_CALL));
                    System.out.printf("xdp-cpu, %d CPUs, BPF_PROG_TEST_RUN of one UDP datagram, %d runs per sample, %d rounds%n",
                            cpus, repeat, rounds);
                    for (int r = 1; r <= rounds; r++) {
                        figures.add(BARE, nsPerPacket(bareProg, packet, repeat));
                        figures.add(SYRUP, nsPerPacket(syrup, packet, repeat));
                        figures.add(DISPATCHER, nsPerPacket(dispatcher, packet, repeat));
                        figures.add(TAIL_CALL, nsPerPacket(tailCall, packet, repeat));
                        System.out.printf("round %d: %s %.0f ns, %s %.0f ns, %s %.0f ns, %s %.0f ns%n", r, BARE,
                                figures.last(BARE), SYRUP, figures.last(SYRUP), DISPATCHER, figures.last(DISPATCHER),
                                TAIL_CALL, figures.last(TAIL_CALL));
                    }
                    figures.print(BARE);
                }
            } finally {
                deployer.remove(d.id());
            }
        }
    }

    /** The program the interface's XDP link runs. */
    private static Fd linked(Deployer deployer, XdpCpuTarget target) {
        try (Fd link = Bpf.open(deployer.layout().xdpDispatcher(target.netns(), target.iface()).resolve("link"))) {
            return Bpf.programById(Bpf.linkInfo(link).programId());
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
