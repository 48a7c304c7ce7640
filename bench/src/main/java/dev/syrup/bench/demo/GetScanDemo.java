package dev.syrup.bench.demo;

import dev.syrup.bench.load.LoadGenerator;
import dev.syrup.bpf.Bpffs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's experiment as one command: a UDP key-value server with 4 SO_REUSEPORT workers serves
 * an open-loop GET/SCAN mix, first on Linux's default socket selection, then with policies that the
 * server deploys itself through syrupd. For each, offered load sweeps a range of the measured
 * capacity; the table and a plot of GET p99 against load show what each policy buys.
 */
public final class GetScanDemo {
    private static final int PORT = 7100;
    private static final List<String> POLICIES = List.of("linux-default", "round_robin.c", "scan_avoid.c", "least_loaded.c");

    private final DemoConfig config;
    private final Path out;
    private final Path examples;
    private final List<ChildProcess> children = new ArrayList<>();

    private GetScanDemo(DemoConfig config) {
        this.config = config;
        this.out = config.outDir();
        this.examples = config.examples();
    }

    public static void main(String[] args) throws Exception {
        GetScanDemo demo = new GetScanDemo(DemoConfig.fromSystemProperties());
        Runtime.getRuntime().addShutdownHook(new Thread(demo::cleanUp, "demo-cleanup"));
        demo.run();
    }

    private void run() throws Exception {
        Instant start = Instant.now();
        Files.createDirectories(out);
        System.out.printf("GET/SCAN demo: 4 workers, GET %d us of work, SCAN %d us of waiting, %.1f%% SCAN, %d s per point%n",
                config.getMicros(), config.scanMicros(), 100 * config.scanFraction(), config.pointSeconds());
        ChildProcess syrupd = ChildProcess.java("syrupd", "dev.syrup.cli.Syrup", List.of("daemon",
                "--socket", socket().toString(), "--pin-root", config.pinRoot().toString(),
                "--state-dir", out.resolve("state").toString()));
        children.add(syrupd);
        syrupd.await("listening on", Duration.ofSeconds(60));
        progress("syrupd started");

        double capacity = probeCapacity();
        List<Double> loads = config.loadFractions().stream().map(f -> Math.round(f * capacity / 100.0) * 100.0).toList();
        progress(String.format(Locale.ROOT, "capacity about %.0f requests/s; offered loads %s", capacity, loads));

        Map<String, List<LoadGenerator.Result>> results = new LinkedHashMap<>();
        for (String policy : POLICIES) {
            ChildProcess server = startServer(policy);
            try {
                List<LoadGenerator.Result> points = new ArrayList<>();
                for (double rate : loads) {
                    LoadGenerator.Result r = point(rate);
                    points.add(r);
                    progress(String.format(Locale.ROOT, "%-14s %6.0f rps: GET p99 %7.0f us, SCAN p99 %7.0f us",
                            policy, rate, r.get().p99Micros(), r.scan().p99Micros()));
                }
                results.put(policy, points);
            } finally {
                stop(server);
            }
        }
        Report report = new Report(results, config);
        System.out.println();
        System.out.print(report.table());
        System.out.println();
        System.out.print(report.ratios());
        Files.writeString(out.resolve("results.md"), report.table() + "\n" + report.ratios());
        Files.writeString(out.resolve("get_p99.svg"), report.plot());
        System.out.printf("%nwritten: %s, %s (%.0f s in all)%n", out.resolve("results.md"), out.resolve("get_p99.svg"),
                (double) Duration.between(start, Instant.now()).toSeconds());
    }

    /**
     * The highest load the server sustains under Linux's default, found by doubling: every request
     * answered, the offered rate achieved, and GET p99 under 20 ms (past that the queues only grow).
     */
    private double probeCapacity() throws Exception {
        ChildProcess server = startServer("linux-default");
        try {
            double best = 0;
            for (double rate = 2000; rate <= 64000; rate *= 2) {
                LoadGenerator.Result r = LoadGenerator.run(loadConfig(rate, Duration.ofMillis(1500)));
                boolean kept = r.achievedRps() >= 0.95 * rate && r.lost() <= 0.01 * r.sent()
                        && r.get().p99Micros() < 20_000;
                progress(String.format(Locale.ROOT, "probing capacity: %6.0f rps offered, %6.0f achieved%s",
                        rate, r.achievedRps(), kept ? "" : " (saturated)"));
                if (!kept) {
                    return best > 0 ? best : r.achievedRps();
                }
                best = r.achievedRps();
            }
            return best;
        } finally {
            stop(server);
        }
    }

    private void stop(ChildProcess child) {
        child.close();
        children.remove(child);
    }

    private LoadGenerator.Result point(double rate) throws Exception {
        return LoadGenerator.run(loadConfig(rate, Duration.ofSeconds(config.pointSeconds())));
    }

    private LoadGenerator.Config loadConfig(double rate, Duration duration) {
        return LoadGenerator.Config.of(new InetSocketAddress("127.0.0.1", PORT), rate, duration)
                .withScanFraction(config.scanFraction()).withSeed(42);
    }

    private ChildProcess startServer(String policy) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(PORT), "--workers", "4",
                "--addr", "127.0.0.1", "--get-us", Integer.toString(config.getMicros()),
                "--scan-us", Integer.toString(config.scanMicros()), "--socket", socket().toString()));
        if (!policy.equals("linux-default")) {
            args.addAll(List.of("--policy", examples.resolve(policy).toString()));
        }
        ChildProcess server = ChildProcess.java("kvserver", "dev.syrup.examples.kvserver.KvServer", args);
        children.add(server);
        server.await(policy.equals("linux-default") ? "READY" : "DEPLOYED", Duration.ofSeconds(60));
        return server;
    }

    private Path socket() { return out.resolve("syrupd.sock"); }

    private static void progress(String s) {
        System.out.println("  " + s);
        System.out.flush();
    }

    /** Stops every child and unpins what syrupd left, also on Ctrl-C. */
    private void cleanUp() {
        for (int i = children.size() - 1; i >= 0; i--) {
            children.get(i).close();
        }
        children.clear();
        Bpffs.removeTree(config.pinRoot());
        try (var state = Files.walk(out.resolve("state"))) {
            Files.deleteIfExists(socket());
            for (Path p : state.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException ignored) {
            // best effort: nothing of it is in the kernel any more
        }
    }
}
