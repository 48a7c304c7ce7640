package dev.syrup.hook;

import dev.syrup.error.DomainException;
import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * xdp-cpu: the policy redirects each packet to a CPU through its CPUMAP; a small program on each
 * CPUMAP entry counts what every CPU really processed. Routed through the interface's root
 * dispatcher (XdpDispatch).
 */
public final class XdpCpuAttacher extends NetworkAttacher<XdpCpuTarget> {
    private static final String CPUMAP = "syrup_cpumap";
    private static final String ON_CPU_MAP = "syrup_on_cpu";
    private static final String ON_CPU_PROGRAM = "syrup_xdp_on_cpu";
    /** Packets queued per CPU between the redirect and the CPU's kthread. */
    private static final int CPU_QUEUE = 2048;

    private final XdpDispatch dispatch;

    public XdpCpuAttacher(PinLayout layout, Path dispatcherObject, int xdpMode) {
        super(layout);
        this.dispatch = new XdpDispatch(layout, dispatcherObject, xdpMode);
    }

    @Override
    public Executors resolve(XdpCpuTarget target) {
        List<Integer> cpus = target.cpus().isEmpty() ? allCpus() : target.cpus();
        int possible = Bpf.possibleCpuCount();
        for (int cpu : cpus) {
            if (cpu < 0 || cpu >= possible) {
                throw DomainException.invalid("CPU " + cpu + " does not exist (this machine has CPUs 0-"
                        + (possible - 1) + ")");
            }
        }
        XdpDispatch.checkInterface(target);
        return Executors.ofCpus(cpus);
    }

    @Override
    protected Map<String, String> executorMaps() { return Map.of(CPUMAP, "cpumap", ON_CPU_MAP, "on_cpu"); }

    @Override
    protected void fillExecutors(BpfObject policy, Executors executors) {
        try (BpfMap cpumap = policy.map(CPUMAP); Fd onCpu = policy.program(ON_CPU_PROGRAM)) {
            for (int cpu : executors.cpus()) {
                // struct bpf_cpumap_val { u32 qsize; int prog_fd; }
                byte[] value = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder())
                        .putInt(CPU_QUEUE).putInt(onCpu.get()).array();
                cpumap.update(BpfMap.u32(cpu), value);
            }
        }
    }

    @Override
    protected void route(XdpCpuTarget target, Executors executors, Fd prog) { dispatch.route(target, prog); }

    @Override
    protected void reroute(XdpCpuTarget target, Fd prog) { dispatch.reroute(target, prog); }

    @Override
    protected void unroute(XdpCpuTarget target, int progId) { dispatch.unroute(target, progId); }

    /** Packets each CPU processed after the redirect (index = CPU). */
    public static long[] packetsPerCpu(Path targetDir) {
        try (BpfMap map = new BpfMap(Bpf.open(targetDir.resolve("on_cpu")))) {
            return map.lookupU64PerCpu(0);
        }
    }
}
