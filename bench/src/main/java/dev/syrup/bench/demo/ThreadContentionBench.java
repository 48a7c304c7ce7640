package dev.syrup.bench.demo;

import dev.syrup.api.DeploymentView;
import dev.syrup.api.HookSpec;
import dev.syrup.bench.load.LoadGenerator;
import dev.syrup.client.SyrupClient;
import dev.syrup.bpf.Bpffs;
import dev.syrup.hook.thread.Cgroups;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The thread hook's fallback (affinity) backend under CPU contention. A spinning hog process, pinned
 * to CPU 1 (a batch job with a cpuset of its own), shares the machine with the GET/SCAN key-value
 * server. Rounds alternate between two fresh servers: one left to Linux's placement, and one started
 * with --thread-policy pin_per_worker.c --thread-cpus 0, which deploys the policy for the registered
 * threads of its cgroup and registers its four worker threads only: the workers keep off the hog's
 * CPU, the JVM's other threads (garbage collector, compiler) stay where Linux puts them. Each round
 * warms the server up and measures GET p99 at the same offered load; the order of the two alternates
 * from round to round. Then the event-to-decision latency of the backend: spin_threads workers whose
 * CPU the bench flips through the policy's map, the backend's p50/p99 from BPF timestamp to the
 * return of sched_setaffinity.
 */
public final class ThreadContentionBench {
    private static final int PORT = 7200;
    private static final String SERVER_CGROUP = "syrup-bench-kv";
    private static final String LATENCY_CGROUP = "syrup-bench-spin";

    private final Path out = Path.of(System.getProperty("syrup.bench.out", "build/bench-thread")).toAbsolutePath();
    private final Path examples = Path.of(System.getProperty("syrup.examples", "examples")).toAbsolutePath();
    private final Path testapps = Path.of(System.getProperty("syrup.testapps", "native/build/testapps")).toAbsolutePath();
    private final Path pinRoot = Path.of("/sys/fs/bpf/syrup-bench-thread");
    private final double rate = Double.parseDouble(System.getProperty("syrup.bench.rate", "3000"));
    private final int seconds = Integer.getInteger("syrup.bench.seconds", 8);
    private final int rounds = Integer.getInteger("syrup.bench.rounds", 5);
    private final int flips = Integer.getInteger("syrup.bench.flips", 400);
    private final List<AutoCloseable> children = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        ThreadContentionBench b = new ThreadContentionBench();
        Runtime.getRuntime().addShutdownHook(new Thread(b::cleanUp, "bench-cleanup"));
        b.run();
    }

    private void run() throws Exception {
        Files.createDirectories(out);
        System.out.printf(Locale.ROOT, "thread hook under contention: hog on CPU 1, %.0f rps offered, 10%% SCAN, %d s per round, %d rounds%n",
                rate, seconds, rounds);
        System.out.println("load average before: " + loadAverage());
        ChildProcess syrupd = ChildProcess.java("syrupd", "dev.syrup.cli.Syrup", List.of("daemon",
                "--socket", socket().toString(), "--pin-root", pinRoot.toString(), "--state-dir", out.resolve("state").toString()));
        children.add(syrupd);
        syrupd.await("listening on", Duration.ofSeconds(60));
        children.add(ChildProcess.command("hog", List.of("taskset", "-c", "1", testapps.resolve("spin_threads").toString(),
                "1", "1000000", "0")));

        double[] linux = new double[rounds];
        double[] registered = new double[rounds];
        try (SyrupClient syrup = SyrupClient.connect(socket())) {
            for (int i = 0; i < rounds; i++) {
                boolean linuxFirst = i % 2 == 0;
                for (int j = 0; j < 2; j++) {
                    if ((j == 0) == linuxFirst) {
                        linux[i] = serve(syrup, false);
                    } else {
                        registered[i] = serve(syrup, true);
                    }
                }
                System.out.printf(Locale.ROOT, "  round %d (%s first): GET p99 linux %.0f us, workers registered %.0f us%n",
                        i + 1, linuxFirst ? "linux" : "registered", linux[i], registered[i]);
            }
            double l = median(linux), p = median(registered);
            System.out.printf(Locale.ROOT, "GET p99 (median of %d rounds): linux %.0f us, registered workers on CPU 0 %.0f us, ratio %.2fx%n",
                    rounds, l, p, l / p);
            latency(syrup);
        }
        System.out.println("load average after: " + loadAverage());
    }

    /**
     * serve starts a server (with its workers registered under pin_per_worker.c on CPU 0, or not),
     * warms it up, measures GET p99 and stops it.
     */
    private double serve(SyrupClient syrup, boolean register) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(PORT), "--workers", "4", "--addr", "127.0.0.1",
                "--get-us", "10", "--scan-us", "1000", "--socket", socket().toString()));
        if (register) {
            args.addAll(List.of("--thread-policy", examples.resolve("policies/pin_per_worker.c").toString(),
                    "--thread-cpus", "0"));
        }
        try (ChildProcess server = ChildProcess.javaInCgroup("kvserver", cgroupDir(SERVER_CGROUP),
                "dev.syrup.examples.kvserver.KvServer", args)) {
            String id = register ? server.await("THREADS ", Duration.ofSeconds(120)).split(" ")[1] : null;
            server.await("READY", Duration.ofSeconds(120));
            point(Math.max(2, seconds / 4)); // warm-up: JIT of the server and the load generator
            double p99 = point(seconds);
            if (id != null) {
                DeploymentView.Threads t = syrup.list().stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow()
                        .targets().get(0).threads();
                System.out.printf(Locale.ROOT, "    registered: %d threads, %d moved, %d skipped%n",
                        t.registered(), t.moved(), t.skipped());
            }
            return p99;
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private double point(int secs) throws Exception {
        LoadGenerator.Result r = LoadGenerator.run(LoadGenerator.Config.of(new InetSocketAddress("127.0.0.1", PORT), rate,
                Duration.ofSeconds(secs)).withScanFraction(0.1).withSeed(42));
        return r.get().p99Micros();
    }

    /** Flips each worker's index in pin_per_worker's map, so each flip is a decision to apply. */
    private void latency(SyrupClient syrup) throws Exception {
        ChildProcess spin = ChildProcess.inCgroup("spin", cgroupDir(LATENCY_CGROUP),
                List.of(testapps.resolve("spin_threads").toString(), "8", "200", "800"));
        children.add(spin);
        List<Integer> tids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tids.add(Integer.parseInt(spin.await("worker " + i + " ", Duration.ofSeconds(10)).split(" ")[2]));
        }
        DeploymentView d = syrup.deploy(examples.resolve("policies/pin_per_worker.c"),
                List.of(HookSpec.thread(null, "/" + LATENCY_CGROUP, List.of(0, 1))));
        for (int i = 0; i < flips; i++) {
            int tid = tids.get(i % tids.size());
            syrup.mapSetU32(d.id(), "worker_index", tid, i / tids.size()); // the CPU parity flips each pass
            Thread.sleep(5);
        }
        Thread.sleep(500);
        DeploymentView.Threads t = syrup.list().stream().filter(v -> v.id().equals(d.id())).findFirst().orElseThrow()
                .targets().get(0).threads();
        System.out.printf(Locale.ROOT, "affinity backend, event to decision: p50 %.1f us, p99 %.1f us over %d moves (%d events, %d skipped)%n",
                t.latencyP50Us(), t.latencyP99Us(), t.moved(), t.events(), t.skipped());
        syrup.remove(d.id());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static Path cgroupDir(String name) throws IOException {
        return Files.createDirectories(Cgroups.v2Mount().resolve(name));
    }

    private Path socket() { return out.resolve("syrupd.sock"); }

    private void cleanUp() {
        for (int i = children.size() - 1; i >= 0; i--) {
            try {
                children.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        children.clear();
        Bpffs.removeTree(pinRoot);
        for (String cg : List.of(SERVER_CGROUP, LATENCY_CGROUP)) {
            for (int i = 0; i < 50; i++) {
                try {
                    Files.deleteIfExists(Cgroups.v2Mount().resolve(cg));
                    break;
                } catch (IOException e) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
    }
}
