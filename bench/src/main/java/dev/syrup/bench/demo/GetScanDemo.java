package dev.syrup.bench.demo;

import dev.syrup.bench.load.LoadGenerator;
import dev.syrup.bench.load.NativeLoadGenerator;
import dev.syrup.bpf.Bpffs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import com.sun.management.OperatingSystemMXBean;

/**
 * The paper's experiment as one command: a UDP key-value server with 4 SO_REUSEPORT workers serves
 * an open-loop GET/SCAN mix, on Linux's default socket selection and with policies that the server
 * deploys itself through syrupd, swapping them while it runs. Offered load steps through a range of
 * the measured capacity; at each load every policy runs in turn ({@link RunOrder}), and the whole
 * sweep is repeated, so that a busy minute of a shared machine lands on all policies alike. The table,
 * the ratios and the plots give medians over the repetitions with their range, the requests lost,
 * how busy the machine was and what the load generator cost.
 */
public final class GetScanDemo {
    private static final Duration NATIVE_SPIN = Duration.ofNanos(10_000);
    private static final List<String> POLICIES = List.of(Report.BASELINE, "round_robin.c", "scan_avoid.c", "least_loaded.c");

    private final DemoConfig config;
    private final Path out;
    private final Path examples;
    private final List<ChildProcess> children = new ArrayList<>();
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

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
        String setup = String.format(Locale.ROOT, "GET/SCAN demo: 4 workers, GET %d us of work, SCAN %d us of waiting, "
                        + "%.1f%% SCAN, %d s per point, %d repetitions of the sweep, policies interleaved at each load, %s load generator",
                config.getMicros(), config.scanMicros(), 100 * config.scanFraction(), config.pointSeconds(),
                config.repetitions(), config.generator().name().toLowerCase(Locale.ROOT));
        System.out.println(setup);
        ChildProcess syrupd = ChildProcess.java("syrupd", "dev.syrup.cli.Syrup", List.of("daemon",
                "--socket", socket().toString(), "--pin-root", config.pinRoot().toString(),
                "--state-dir", out.resolve("state").toString()));
        children.add(syrupd);
        syrupd.await("listening on", Duration.ofSeconds(60));
        progress("syrupd started");
        ChildProcess server = startServer();

        double capacity = probeCapacity();
        List<Double> loads = config.loadFractions().stream().map(f -> Math.round(f * capacity / 100.0) * 100.0).toList();
        progress(String.format(Locale.ROOT, "capacity about %.0f requests/s; offered loads %s", capacity, loads));

        List<Long> pids = List.of(ProcessHandle.current().pid(), syrupd.pid(), server.pid());
        Sweep sweep = new Sweep(POLICIES, loads, config.repetitions());
        Conditions conditions = new Conditions(config.generator() == DemoConfig.Generator.NATIVE
                ? "native, its whole process: sender and receiver threads"
                : "Java, its whole JVM: sender, receiver, garbage collector");
        MachineLoad.Sample first = MachineLoad.sample(pids);
        conditions.start(first);
        MachineLoad.Sample repetitionStart = first;
        MachineLoad.Sample last = first;
        String current = Report.BASELINE;
        List<RunOrder.Run> runs = RunOrder.interleaved(config.repetitions(), loads.size(), POLICIES);
        for (int i = 0; i < runs.size(); i++) {
            RunOrder.Run run = runs.get(i);
            if (!run.policy().equals(current)) {
                use(server, run.policy());
                current = run.policy();
            }
            LoadGenerator.Result r = point(run, loads.get(run.load()), conditions);
            sweep.put(run, r);
            last = MachineLoad.sample(pids);
            conditions.loadAverage(last.loadAverage());
            progress(String.format(Locale.ROOT, "%d/%d %6.0f rps %-14s GET p99 %7.0f us, SCAN p99 %7.0f us, lost %d",
                    run.repetition() + 1, config.repetitions(), r.offeredRps(), run.policy(), r.get().p99Micros(),
                    r.scan().p99Micros(), r.lost()));
            if (i + 1 == runs.size() || runs.get(i + 1).repetition() != run.repetition()) {
                conditions.repetition(MachineLoad.between(repetitionStart, last));
                repetitionStart = last;
            }
        }
        conditions.finish(MachineLoad.between(first, last), last,
                Duration.between(start, Instant.now()).toMillis() / 1000.0);

        Report report = new Report(sweep, config);
        String results = String.join("\n", report.table(), report.ratios(), report.losses(), conditions.machine(),
                conditions.loadGenerator());
        System.out.println();
        System.out.print(results);
        Files.writeString(out.resolve("results.md"), setup + "\n\n" + results);
        Files.writeString(out.resolve("get_p99.svg"), report.plot());
        Files.writeString(out.resolve("get_p99_ratio.svg"), report.ratioPlot());
        System.out.printf("%nwritten: %s, %s, %s (%.0f s in all)%n", out.resolve("results.md"), out.resolve("get_p99.svg"),
                out.resolve("get_p99_ratio.svg"), (double) Duration.between(start, Instant.now()).toSeconds());
    }

    /** use has the running server swap to policy (deploy, replace, or remove for Linux's default). */
    private void use(ChildProcess server, String policy) throws IOException, InterruptedException {
        server.send(policy.equals(Report.BASELINE) ? "policy none" : "policy " + examples.resolve(policy));
        String answer = server.await("POLICY ", Duration.ofSeconds(120));
        if (answer.startsWith("POLICY failed")) {
            throw new IllegalStateException("the server could not switch to " + policy + ": " + answer);
        }
    }

    /**
     * The highest load the server sustains under Linux's default, found by doubling: every request
     * answered, the offered rate achieved, and GET p99 under 20 ms (past that the queues only grow).
     */
    private double probeCapacity() throws Exception {
        double best = 0;
        for (double rate = 2000; rate <= 64000; rate *= 2) {
            LoadGenerator.Result r = generate(loadConfig(rate, Duration.ofMillis(1500), 42)).result();
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
    }

    /**
     * point runs the load generator once, and records what it cost: its process's CPU time over the
     * run (the native generator's own, or this JVM's: sender, receiver, garbage collector; the runner
     * itself is idle meanwhile).
     */
    private LoadGenerator.Result point(RunOrder.Run run, double rate, Conditions conditions) throws Exception {
        // The same arrivals for every policy of a repetition, other ones in the next.
        NativeLoadGenerator.Run r = generate(loadConfig(rate, Duration.ofSeconds(config.pointSeconds()),
                42 + run.repetition()));
        conditions.generator(new Conditions.GeneratorRun(rate, r.cpuNanos(), r.wallNanos(), r.result().sent(),
                r.result().senderCpuShare(), r.result().receiverCpuShare()));
        return r.result();
    }

    private NativeLoadGenerator.Run generate(LoadGenerator.Config c) throws Exception {
        if (config.generator() == DemoConfig.Generator.NATIVE) {
            // Its sleeps have 1 us of timer slack: 10 us of spinning before a send is plenty.
            return NativeLoadGenerator.run(config.testapps().resolve(NativeLoadGenerator.BINARY),
                    c.withSpin(NATIVE_SPIN));
        }
        long cpu = os.getProcessCpuTime();
        long wall = System.nanoTime();
        LoadGenerator.Result r = LoadGenerator.run(c);
        return new NativeLoadGenerator.Run(r, os.getProcessCpuTime() - cpu, System.nanoTime() - wall);
    }

    private LoadGenerator.Config loadConfig(double rate, Duration duration, long seed) {
        return LoadGenerator.Config.of(new InetSocketAddress("127.0.0.1", config.port()), rate, duration)
                .withScanFraction(config.scanFraction()).withSeed(seed);
    }

    /** startServer starts the key-value server on Linux's default, taking policy changes on its standard input. */
    private ChildProcess startServer() throws Exception {
        List<String> args = List.of("--port", Integer.toString(config.port()), "--workers", "4",
                "--addr", "127.0.0.1", "--get-us", Integer.toString(config.getMicros()),
                "--scan-us", Integer.toString(config.scanMicros()), "--socket", socket().toString(), "--policy-commands");
        ChildProcess server = ChildProcess.java("kvserver", "dev.syrup.examples.kvserver.KvServer", args);
        children.add(server);
        server.await("READY", Duration.ofSeconds(60));
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
