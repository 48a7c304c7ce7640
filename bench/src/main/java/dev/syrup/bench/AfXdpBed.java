package dev.syrup.bench;

import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Bpffs;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Netns;
import dev.syrup.deploy.Deployer;
import dev.syrup.deploy.Deployment;
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
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.Veth;
import dev.syrup.testing.XskWorkers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * An AF_XDP server under test: xsk_workers with N sockets on queue 0 of a veth in a namespace of
 * its own (shared UMEM, copy mode), traffic sent from the other end. Packets reach the sockets
 * either the kernel's default way (an XDP program redirecting by receive queue, as libxdp's
 * default program does: bench/bpf/queue_xsk_redirect.bpf.c) or through an xdp-socket policy.
 * Everything it made (namespaces, XDP programs, pins) goes on close.
 */
final class AfXdpBed implements AutoCloseable {
    static final int PORT = 9000;

    private final NetNs peer;
    private final NetNs app;
    private final Veth veth;
    private final XskWorkers workers;
    private final XdpSocketTarget target;
    private final PinLayout layout;
    private final Deployer deployer;
    private final Path queueDefault;

    private AfXdpBed(int sockets) throws Exception {
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "syrup", "bench");
        Sdk sdk = Sdk.extract(cache);
        layout = new PinLayout(Path.of("/sys/fs/bpf/syrup-afxdp-" + ProcessHandle.current().pid()));
        deployer = new Deployer(layout, new PolicyCompiler(sdk, new ObjectCache(cache.resolve("objects"))), sdk,
                Netns.XDP_MODE_AUTO);
        queueDefault = BenchBpf.compile("queue_xsk_redirect", "BENCH_PORT=" + PORT);
        peer = NetNs.create();
        app = NetNs.create();
        veth = Veth.connect(peer, app);
        workers = XskWorkers.start(app, veth.ifB(), sockets);
        target = new XdpSocketTarget(NetnsRef.of(app.path()), veth.ifB(), Protocol.UDP, PORT, (int) workers.pid());
    }

    static AfXdpBed start(int sockets) throws Exception {
        return new AfXdpBed(sockets);
    }

    String iface() { return veth.ifB(); }

    /** A sender of datagrams to the server's port from the other end of the veth. */
    UdpSender sender() { return UdpSender.to(veth.addrB(), PORT).in(peer); }

    /**
     * withKernelDefault runs body while the kernel's default way delivers: the queue's XSKMAP slot
     * holds the socket libxdp would leave there, the last one bound (all are on queue 0).
     */
    <T> T withKernelDefault(Supplier<T> body) throws Exception {
        List<Fd> sockets = AfXdpSockets.take(target.netns(), target.pid());
        try (BpfObject o = BpfObject.open(queueDefault)) {
            o.load();
            try (BpfMap xsks = o.map("queue_xsks"); Fd prog = o.program("queue_xsk_redirect")) {
                for (Fd s : sockets) {
                    xsks.update(BpfMap.u32(0), BpfMap.u32(s.get())); // each bind takes the queue's slot
                }
                try (Fd link = Netns.attachXdp(app.path(), veth.ifB(), prog, Netns.XDP_MODE_AUTO)) {
                    try {
                        return body.get();
                    } finally {
                        Netns.detach(link);
                    }
                }
            }
        } finally {
            sockets.forEach(Fd::close);
        }
    }

    /** withPolicy runs body while the example policy (examples/policies/NAME) picks the socket. */
    <T> T withPolicy(String name, Supplier<T> body) {
        Deployment d = deployer.deploy(PolicySource.fromFile(DataPlaneCostBench.examples().resolve(name)), List.of(target));
        try {
            return body.get();
        } finally {
            deployer.remove(d.id());
        }
    }

    /** Packets per worker so far, once they stop arriving. */
    long[] settledCounts() {
        long[] last = workers.counts();
        while (true) {
            sleep(150);
            long[] now = workers.counts();
            if (Arrays.equals(now, last)) {
                return now;
            }
            last = now;
        }
    }

    static long[] minus(long[] a, long[] b) {
        long[] d = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            workers.close();
        } finally {
            Bpffs.removeTree(layout.root());
            app.close();
            peer.close();
        }
    }
}
