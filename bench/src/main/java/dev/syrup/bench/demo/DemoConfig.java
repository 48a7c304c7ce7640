package dev.syrup.bench.demo;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The demo's knobs, from system properties (the Makefile passes them), with the defaults below.
 * SCAN is 10% of requests by default: at 0.5% fewer than 1% of GETs ever meet a SCAN, so GET p99
 * cannot show head-of-line blocking at all (p99.9 would).
 */
record DemoConfig(Path outDir, Path examples, Path pinRoot, double scanFraction, int getMicros, int scanMicros,
                  int pointSeconds, List<Double> loadFractions) {
    static DemoConfig fromSystemProperties() {
        return new DemoConfig(
                Path.of(System.getProperty("syrup.demo.out", "build/demo")).toAbsolutePath(),
                Path.of(System.getProperty("syrup.examples", "examples"), "policies").toAbsolutePath(),
                Path.of(System.getProperty("syrup.demo.pinRoot", "/sys/fs/bpf/syrup-demo")),
                Double.parseDouble(System.getProperty("syrup.demo.scanFraction", "0.1")),
                Integer.getInteger("syrup.demo.getMicros", 10),
                Integer.getInteger("syrup.demo.scanMicros", 1000),
                Integer.getInteger("syrup.demo.pointSeconds", 4),
                Arrays.stream(System.getProperty("syrup.demo.loads", "0.2,0.4,0.6,0.8,0.9").split(","))
                        .map(Double::parseDouble).toList());
    }
}
