package dev.syrup.bench.demo;

import dev.syrup.api.DeploymentView;
import dev.syrup.api.HookSpec;
import dev.syrup.bench.load.LoadGenerator;
import dev.syrup.client.SyrupClient;
import dev.syrup.deploy.Bpffs;
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
 * server. Rounds alternate between Linux's placement and pin_per_worker.c deployed at the thread
 * hook with CPU 0 as its only executor (the server's threads keep off the hog's CPU); each round
 * measures GET p99 at the same offered load. Then the event-to-decision latency of the backend:
 * spin_threads workers whose CPU the bench flips through the policy's map, the backend's p50/p99 from
 * BPF timestamp to the return of sched_setaffinity.
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
    private final int rounds = Integer.getInteger("syrup.bench.rounds", 3);
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
        ChildProcess syrupd = ChildProcess.java("syrupd", "dev.syrup.cli.Syrup", List.of("daemon",
                "--socket", socket().toString(), "--pin-root", pinRoot.toString(), "--state-dir", out.resolve("state").toString()));
        children.add(syrupd);
        syrupd.await("listening on", Duration.ofSeconds(60));
        children.add(ChildProcess.command("hog", List.of("taskset", "-c", "1", testapps.resolve("spin_threads").toString(),
                "1", "1000000", "0")));
        ChildProcess server = ChildProcess.javaInCgroup("kvserver", cgroupDir(SERVER_CGROUP), "dev.syrup.examples.kvserver.KvServer",
                List.of("--port", Integer.toString(PORT), "--workers", "4", "--addr", "127.0.0.1", "--get-us", "10",
                        "--scan-us", "1000"));
        children.add(server);
        server.await("READY", Duration.ofSeconds(60));

        double[] linux = new double[rounds];
        double[] pinned = new double[rounds];
        try (SyrupClient syrup = SyrupClient.connect(socket())) {
            point(); // warm-up: JIT of the server and the load generator
            for (int i = 0; i < rounds; i++) {
                linux[i] = point();
                DeploymentView d = syrup.deploy(examples.resolve("policies/pin_per_worker.c"),
                        List.of(HookSpec.thread(null, "/" + SERVER_CGROUP, List.of(0))));
                Thread.sleep(500);
                pinned[i] = point();
                syrup.remove(d.id());
                System.out.printf(Locale.ROOT, "  round %d: GET p99 linux %.0f us, thread policy %.0f us%n", i + 1, linux[i], pinned[i]);
            }
            double l = median(linux), p = median(pinned);
            System.out.printf(Locale.ROOT, "GET p99 (median of %d rounds): linux %.0f us, pin_per_worker on CPU 0 %.0f us, ratio %.2fx%n",
                    rounds, l, p, l / p);
            latency(syrup);
        }
    }

    private double point() throws Exception {
        LoadGenerator.Result r = LoadGenerator.run(LoadGenerator.Config.of(new InetSocketAddress("127.0.0.1", PORT), rate,
                Duration.ofSeconds(seconds)).withScanFraction(0.1).withSeed(42));
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
