package dev.syrup.bench.demo;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The demo's knobs, from system properties (the Makefile passes them), with the defaults below.
 * SCAN is 10% of requests by default: at 0.5% fewer than 1% of GETs ever meet a SCAN, so GET p99
 * cannot show head-of-line blocking at all (p99.9 would). Three repetitions of 3 s points keep the
 * demo within a few minutes; {@code make bench-getscan} runs more and longer.
 */
record DemoConfig(Path outDir, Path examples, Path pinRoot, int port, double scanFraction, int getMicros, int scanMicros,
                  int pointSeconds, List<Double> loadFractions, int repetitions, Generator generator, Path testapps) {
    /** Which load generator sends the requests. */
    enum Generator {
        /** {@link dev.syrup.bench.load.LoadGenerator}, in the demo's own JVM. */
        JAVA,
        /** {@link dev.syrup.bench.load.NativeLoadGenerator}, a C process: less CPU per request. */
        NATIVE
    }

    DemoConfig {
        if (repetitions < 1 || pointSeconds < 1 || loadFractions.isEmpty()) {
            throw new IllegalArgumentException("need at least one repetition, one load and 1 s per point");
        }
    }

    static DemoConfig fromSystemProperties() {
        return new DemoConfig(
                Path.of(System.getProperty("syrup.demo.out", "build/demo")).toAbsolutePath(),
                Path.of(System.getProperty("syrup.examples", "examples"), "policies").toAbsolutePath(),
                Path.of(System.getProperty("syrup.demo.pinRoot", "/sys/fs/bpf/syrup-demo")),
                Integer.getInteger("syrup.demo.port", 7100),
                Double.parseDouble(System.getProperty("syrup.demo.scanFraction", "0.1")),
                Integer.getInteger("syrup.demo.getMicros", 10),
                Integer.getInteger("syrup.demo.scanMicros", 1000),
                Integer.getInteger("syrup.demo.pointSeconds", 3),
                Arrays.stream(System.getProperty("syrup.demo.loads", "0.3,0.45,0.6,0.75,0.85").split(","))
                        .map(Double::parseDouble).toList(),
                Integer.getInteger("syrup.demo.reps", 3),
                Generator.valueOf(System.getProperty("syrup.demo.generator", "java").toUpperCase(java.util.Locale.ROOT)),
                Path.of(System.getProperty("syrup.testapps", "native/build/testapps")).toAbsolutePath());
    }
}
