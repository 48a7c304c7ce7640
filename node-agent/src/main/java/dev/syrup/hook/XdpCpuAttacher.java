package dev.syrup.hook;

import dev.syrup.error.DomainException;
import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfException;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Netns;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * xdp-cpu: the policy redirects each packet to a CPU through its CPUMAP; a small program on each
 * CPUMAP entry counts what every CPU really processed. The interface's root dispatcher is
 * attached through a pinned XDP link.
 */
public final class XdpCpuAttacher extends NetworkAttacher<XdpCpuTarget> {
    private static final String CPUMAP = "syrup_cpumap";
    private static final String ON_CPU_MAP = "syrup_on_cpu";
    private static final String ON_CPU_PROGRAM = "syrup_xdp_on_cpu";
    /** Packets queued per CPU between the redirect and the CPU's kthread. */
    private static final int CPU_QUEUE = 2048;

    private final Path dispatcherObject;
    private final int xdpMode;

    public XdpCpuAttacher(PinLayout layout, Path dispatcherObject, int xdpMode) {
        super(layout);
        this.dispatcherObject = dispatcherObject;
        this.xdpMode = xdpMode;
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
        try {
            Netns.ifindex(target.netns().path(), target.iface());
        } catch (BpfException e) {
            throw new TargetUnavailableException("interface " + target.iface() + " not found in network namespace "
                    + target.netns() + " (" + e.getMessage() + ")", e);
        }
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
    protected void route(XdpCpuTarget target, Executors executors, Fd prog) {
        try (Dispatcher d = dispatcher(target)) {
            d.route(target.port(), prog);
        }
    }

    @Override
    protected void reroute(XdpCpuTarget target, Fd prog) {
        try (Dispatcher d = Dispatcher.open(dispatcherDir(target))) {
            d.route(target.port(), prog);
        }
    }

    @Override
    protected void unroute(XdpCpuTarget target, int progId) {
        Path dir = dispatcherDir(target);
        if (!Files.exists(dir.resolve("prog"))) {
            return;
        }
        try (Dispatcher d = Dispatcher.open(dir)) {
            if (d.unroute(target.port(), progId) && !d.hasRoutes()) {
                d.detachLink();
                d.unpin();
            }
        }
    }

    /** The interface's root dispatcher, loaded and attached through a pinned XDP link the first time. */
    private Dispatcher dispatcher(XdpCpuTarget target) {
        Dispatcher d = Dispatcher.openOrLoad(dispatcherDir(target), dispatcherObject);
        Path linkPin = d.dir().resolve("link");
        if (!Files.exists(linkPin)) {
            try (Fd link = Netns.attachXdp(target.netns().path(), target.iface(), d.program(), xdpMode)) {
                Bpf.pin(link, linkPin);
            } catch (BpfException e) {
                d.close();
                if (e.errno() == 16) {
                    throw new TargetUnavailableException("interface " + target.iface()
                            + " already has an XDP program that is not Syrup's dispatcher", e);
                }
                throw e;
            }
        }
        return d;
    }

    private Path dispatcherDir(XdpCpuTarget target) { return layout.xdpDispatcher(target.netns(), target.iface()); }

    /** Packets each CPU processed after the redirect (index = CPU). */
    public static long[] packetsPerCpu(Path targetDir) {
        try (BpfMap map = new BpfMap(Bpf.open(targetDir.resolve("on_cpu")))) {
            return map.lookupU64PerCpu(0);
        }
    }
}
