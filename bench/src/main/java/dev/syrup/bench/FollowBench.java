package dev.syrup.bench;

import dev.syrup.bpf.Bpffs;
import dev.syrup.bpf.Netns;
import dev.syrup.deploy.BindWatcher;
import dev.syrup.deploy.Deployer;
import dev.syrup.deploy.Deployment;
import dev.syrup.deploy.ExecutorFollower;
import dev.syrup.deploy.TargetState;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.PinLayout;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.SocketSelectTarget;
import dev.syrup.policy.ObjectCache;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.Sdk;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * How fast a socket-select deployment follows a restarted server (udp_workers, 4 sockets, in a
 * namespace made here), and what the bind watcher costs a node that binds a lot:
 * <ul>
 * <li>bind -> steered: from the first bind the watcher reported (its BPF timestamp) to the moment
 *     the new sockets were in the running policy's map and the dispatcher attached to their group;
 * <li>ready -> attached, with the watcher and with the periodic rescan alone (the baseline): from
 *     the server saying it has bound its sockets to the follower showing them attached;
 * <li>binds per second of a loop binding and closing UDP sockets, without the watcher, with it on a
 *     port nobody watches, and with it reporting every bind and close.
 * </ul>
 * Every round checks round robin is exact over the new sockets; only the printed figures are timed.
 */
public final class FollowBench {
    private static final int PORT = 9330;
    private static final int SOCKETS = 4;

    private final NetNs ns;
    private final Deployer deployer;
    private final Sdk sdk;
    private final SocketSelectTarget target;

    private FollowBench(NetNs ns, Deployer deployer, Sdk sdk) {
        this.ns = ns;
        this.deployer = deployer;
        this.sdk = sdk;
        this.target = new SocketSelectTarget(NetnsRef.of(ns.path()), Protocol.UDP, PORT);
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int rescanRounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "syrup", "bench");
        Sdk sdk = Sdk.extract(cache);
        PolicyCompiler compiler = new PolicyCompiler(sdk, new ObjectCache(cache.resolve("objects")));
        PinLayout layout = new PinLayout(Path.of("/sys/fs/bpf/syrup-bench-" + ProcessHandle.current().pid()));
        try (NetNs ns = NetNs.create()) {
            Deployer deployer = new Deployer(layout, compiler, sdk, Netns.XDP_MODE_AUTO);
            FollowBench b = new FollowBench(ns, deployer, sdk);
            b.restarts(rounds, rescanRounds);
            b.bindCost();
        } finally {
            Bpffs.removeTree(layout.root());
        }
    }

    private void restarts(int rounds, int rescanRounds) throws Exception {
        Histogram bindToSteered = new Histogram(3);
        Histogram readyWatcher = new Histogram(3);
        Histogram readyRescan = new Histogram(3);
        UdpWorkers server = UdpWorkers.start(ns, "127.0.0.1", PORT, SOCKETS);
        Deployment d = deployer.deploy(PolicySource.fromFile(Path.of(System.getProperty("syrup.examples"), "policies",
                "round_robin.c")), List.of(target));
        System.out.printf("restarts of a %d-socket UDP server: %d with the bind watcher, %d with the rescan alone%n",
                SOCKETS, rounds, rescanRounds);
        try (ExecutorFollower follower = ExecutorFollower.start(deployer, sdk.bindWatcherObject(), s -> {})) {
            if (!follower.watchesBinds()) {
                throw new IllegalStateException("the bind watcher did not attach");
            }
            follower.track(d, 0);
            for (int r = 0; r < rounds; r++) {
                CompletableFuture<Long> steered = new CompletableFuture<>();
                follower.onSteered((id, t, live, bindNs, steeredNs) -> {
                    if (live == SOCKETS) {
                        steered.complete(steeredNs - bindNs);
                    }
                });
                server = restart(server, follower, d, readyWatcher);
                bindToSteered.recordValue(steered.get(30, TimeUnit.SECONDS) / 1000);
            }
        }
        try (ExecutorFollower rescanOnly = ExecutorFollower.start(deployer, null, s -> {})) {
            rescanOnly.track(d, 0);
            for (int r = 0; r < rescanRounds; r++) {
                server = restart(server, rescanOnly, d, readyRescan);
            }
        }
        server.close();
        deployer.remove(d.id());
        System.out.println();
        System.out.println("| measure | follower | p50 ms | p99 ms | max ms | rounds |");
        System.out.println("|---|---|---|---|---|---|");
        row("bind -> steered", "bind watcher", bindToSteered);
        row("server ready -> attached", "bind watcher", readyWatcher);
        row("server ready -> attached", "rescan every 2 s (baseline)", readyRescan);
        System.out.printf("%nready -> attached, p50: bind watcher / rescan alone = %.3f%n",
                (double) readyWatcher.getValueAtPercentile(50) / readyRescan.getValueAtPercentile(50));
    }

    /** Stops the server, waits for waiting, starts a new one and records ready -> attached in µs. */
    private UdpWorkers restart(UdpWorkers old, ExecutorFollower follower, Deployment d, Histogram readyToAttached) {
        old.close();
        await(follower, d, TargetState.State.WAITING, 0);
        UdpWorkers server = UdpWorkers.start(ns, "127.0.0.1", PORT, SOCKETS);
        long ready = System.nanoTime();
        await(follower, d, TargetState.State.ATTACHED, SOCKETS);
        readyToAttached.recordValue(Math.max(0, System.nanoTime() - ready) / 1000);
        UdpSender.to("127.0.0.1", PORT).in(ns).srcPorts(1).count(400).run();
        long[] counts = server.awaitTotal(400, java.time.Duration.ofSeconds(15));
        if (!Arrays.equals(counts, new long[] {100, 100, 100, 100})) {
            throw new IllegalStateException("round robin not exact after the restart: " + Arrays.toString(counts));
        }
        return server;
    }

    private void await(ExecutorFollower follower, Deployment d, TargetState.State state, int live) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            TargetState s = follower.state(d.id(), target).orElseThrow();
            if (s.state() == state && s.live() == live) {
                return;
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(0, 200_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("target not " + state + " with " + live + " live executors");
    }

    private static void row(String measure, String follower, Histogram us) {
        System.out.printf("| %s | %s | %.2f | %.2f | %.2f | %d |%n", measure, follower, us.getValueAtPercentile(50) / 1000.0,
                us.getValueAtPercentile(99) / 1000.0, us.getMaxValue() / 1000.0, us.getTotalCount());
    }

    /**
     * Binds per second of one thread binding and closing UDP sockets on 127.0.0.1:port: 11 rounds of
     * 1 s per variant, the order rotating from round to round, medians.
     */
    private void bindCost() throws Exception {
        int port = PORT + 1;
        int rounds = 11;
        double[][] rates = new double[3][rounds];
        bindsPerSecond(port); // warm-up: the JIT, the first sockets
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 3; k++) {
                int variant = (r + k) % 3;
                rates[variant][r] = variant == 0 ? bindsPerSecond(port) : withWatcher(port, variant == 2);
            }
        }
        String[] names = {"no bind watcher", "bind watcher, port not watched", "bind watcher, every bind reported"};
        System.out.println();
        System.out.println("| binds of a UDP socket (bind + close, one thread) | median binds/s | ratio to none |");
        System.out.println("|---|---|---|");
        double base = median(rates[0]);
        for (int i = 0; i < 3; i++) {
            System.out.printf("| %s | %.0f | %.3f |%n", names[i], median(rates[i]), median(rates[i]) / base);
        }
    }

    /** bindsPerSecond with the bind watcher attached, reporting the port's binds if watched (read by a thread). */
    private double withWatcher(int port, boolean watched) throws Exception {
        try (BindWatcher watcher = BindWatcher.attach(sdk.bindWatcherObject())) {
            if (watched) {
                watcher.watch(Set.of((Protocol.UDP.number() << 16) | port));
            }
            Thread drain = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    watcher.poll(100);
                }
            });
            drain.start();
            try {
                return bindsPerSecond(port);
            } finally {
                drain.interrupt();
                drain.join();
            }
        }
    }

    private static double bindsPerSecond(int port) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        long n = 0;
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", port);
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            try (DatagramChannel c = DatagramChannel.open()) {
                c.bind(addr);
            }
            n++;
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
