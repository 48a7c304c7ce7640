package dev.syrup.bench.demo;

import dev.syrup.bench.load.LoadGenerator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The demo's results: a table per policy and load, GET p99 ratios to Linux's default, a plot. */
final class Report {
    private final Map<String, List<LoadGenerator.Result>> results;
    private final DemoConfig config;

    Report(Map<String, List<LoadGenerator.Result>> results, DemoConfig config) {
        this.results = results;
        this.config = config;
    }

    String table() {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
                "| policy | offered rps | achieved rps | GET p50 us | GET p99 us | GET p99.9 us | SCAN p99 us | lost |%n"
                        + "|---|---|---|---|---|---|---|---|%n"));
        results.forEach((policy, points) -> points.forEach(r -> t.append(String.format(Locale.ROOT,
                "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %d |%n", policy, r.offeredRps(), r.achievedRps(),
                r.get().p50Micros(), r.get().p99Micros(), r.get().p999Micros(), r.scan().p99Micros(), r.lost()))));
        return t.toString();
    }

    /** GET p99 of Linux's default divided by each policy's, per load. */
    String ratios() {
        List<LoadGenerator.Result> base = results.get("linux-default");
        StringBuilder t = new StringBuilder("GET p99, Linux default / policy (higher is better):\n");
        t.append(String.format(Locale.ROOT, "%-16s", "offered rps"));
        base.forEach(r -> t.append(String.format(Locale.ROOT, "%9.0f", r.offeredRps())));
        t.append('\n');
        results.forEach((policy, points) -> {
            if (!policy.equals("linux-default")) {
                t.append(String.format(Locale.ROOT, "%-16s", policy));
                for (int i = 0; i < points.size(); i++) {
                    t.append(String.format(Locale.ROOT, "%8.1fx", base.get(i).get().p99Micros() / points.get(i).get().p99Micros()));
                }
                t.append('\n');
            }
        });
        return t.toString();
    }

    String plot() {
        SvgPlot plot = new SvgPlot(String.format(Locale.ROOT, "GET p99 vs offered load (%.1f%% SCAN of %d us)",
                100 * config.scanFraction(), config.scanMicros()), "offered load (requests/s)", "GET p99 (us)");
        results.forEach((policy, points) -> points.forEach(r -> plot.add(policy, r.offeredRps(), r.get().p99Micros())));
        return plot.render();
    }
}
