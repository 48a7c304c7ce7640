package dev.syrup.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The load generator in C ({@code native/testapps/getscan_load.c}): the method of {@link LoadGenerator}
 * (Poisson arrivals fixed in advance, random client socket, latency from the intended send time,
 * warm-up, grace) in a process of its own that costs less CPU per request, for a machine whose few
 * CPUs the server under test needs. It reports its own CPU time, the whole process's and per thread.
 */
public final class NativeLoadGenerator {
    /** The binary's name among the test applications. */
    public static final String BINARY = "getscan_load";

    /** A run's result, and the generator process's CPU time and wall time over it. */
    public record Run(LoadGenerator.Result result, long cpuNanos, long wallNanos) {}

    private NativeLoadGenerator() {
    }

    /** run runs binary with config (16-byte requests only); blocks for the duration plus up to the grace. */
    public static Run run(Path binary, LoadGenerator.Config c) throws IOException, InterruptedException {
        if (c.requestBytes() != Wire.DEFAULT_REQUEST_BYTES) {
            throw new IllegalArgumentException("the native generator sends " + Wire.DEFAULT_REQUEST_BYTES
                    + "-byte requests, not " + c.requestBytes());
        }
        List<String> cmd = List.of(binary.toString(), "--addr", c.target().getAddress().getHostAddress(),
                "--port", Integer.toString(c.target().getPort()), "--rate", Double.toString(c.rate()),
                "--seconds", Double.toString(c.duration().toNanos() / 1e9),
                "--scan-fraction", Double.toString(c.scanFraction()), "--sockets", Integer.toString(c.sockets()),
                "--seed", Long.toString(c.seed()), "--warmup-ms", Long.toString(c.warmup().toMillis()),
                "--grace-ms", Long.toString(c.grace().toMillis()), "--spin-us", Long.toString(c.spin().toNanos() / 1000));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(c.duration().plus(c.grace()).toSeconds() + 30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(BINARY + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException(BINARY + " exited with " + p.exitValue() + ": " + out);
        }
        return parse(out.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new IOException(BINARY + " printed no RESULT line: " + out)));
    }

    /** parse reads the binary's "RESULT key=value ..." line. */
    static Run parse(String line) {
        Map<String, String> f = new HashMap<>();
        for (String field : line.substring("RESULT ".length()).trim().split("\\s+")) {
            int eq = field.indexOf('=');
            f.put(field.substring(0, eq), field.substring(eq + 1));
        }
        long wall = Long.parseLong(value(f, "wall_ns"));
        long[] served = value(f, "served").isEmpty() ? new long[0]
                : Arrays.stream(value(f, "served").split(",")).mapToLong(Long::parseLong).toArray();
        LoadGenerator.Result r = new LoadGenerator.Result(d(f, "offered_rps"), d(f, "achieved_rps"),
                d(f, "measured_seconds"), l(f, "scheduled"), l(f, "sent"), l(f, "received"), l(f, "lost"),
                l(f, "send_failures"), l(f, "unmatched"), latencies(f, "get"), latencies(f, "scan"), served,
                d(f, "lag_p50_us"), d(f, "lag_p99_us"), d(f, "lag_max_us"),
                wall <= 0 ? 0 : (double) l(f, "sender_cpu_ns") / wall, wall <= 0 ? 0 : (double) l(f, "receiver_cpu_ns") / wall);
        return new Run(r, l(f, "cpu_ns"), wall);
    }

    private static LatencySummary latencies(Map<String, String> f, String type) {
        return new LatencySummary(l(f, type + "_count"), d(f, type + "_mean_us"), d(f, type + "_p50_us"),
                d(f, type + "_p90_us"), d(f, type + "_p99_us"), d(f, type + "_p999_us"), d(f, type + "_max_us"));
    }

    private static String value(Map<String, String> f, String key) {
        String v = f.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no " + key + " in the generator's result");
        }
        return v;
    }

    private static double d(Map<String, String> f, String key) { return Double.parseDouble(value(f, key)); }

    private static long l(Map<String, String> f, String key) { return Long.parseLong(value(f, key)); }
}
