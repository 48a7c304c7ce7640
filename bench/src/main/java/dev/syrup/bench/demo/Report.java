package dev.syrup.bench.demo;

import dev.syrup.bench.load.LoadGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The demo's results: a table per policy and load, GET p99 ratios to Linux's default, the requests
 * lost, and plots. Each figure is the median over the repetitions, with their range where it matters;
 * a ratio is taken within a repetition (Linux's default and the policy ran one after the other) before
 * the median is.
 */
final class Report {
    static final String BASELINE = "linux-default";

    private final Sweep sweep;
    private final DemoConfig config;

    Report(Sweep sweep, DemoConfig config) {
        this.sweep = sweep;
        this.config = config;
    }

    String table() {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "Median of %d repetitions (min–max of GET p99):%n%n"
                + "| policy | offered rps | achieved rps | GET p50 us | GET p99 us | GET p99.9 us | SCAN p99 us | lost |%n"
                + "|---|---|---|---|---|---|---|---|%n", sweep.repetitions()));
        for (String policy : sweep.policies()) {
            for (int load = 0; load < sweep.offeredRps().size(); load++) {
                List<LoadGenerator.Result> rs = sweep.at(policy, load);
                if (rs.isEmpty()) {
                    continue;
                }
                t.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %s | %.0f | %.0f | %d |%n", policy,
                        sweep.offeredRps().get(load), median(rs, LoadGenerator.Result::achievedRps),
                        median(rs, r -> r.get().p50Micros()), spread(rs, r -> r.get().p99Micros()).format("%.0f", ""),
                        median(rs, r -> r.get().p999Micros()), median(rs, r -> r.scan().p99Micros()),
                        rs.stream().mapToLong(LoadGenerator.Result::lost).sum()));
            }
        }
        return t.toString();
    }

    /** GET p99 of Linux's default divided by each policy's, per load: median (min–max) over repetitions. */
    String ratios() {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
                "GET p99, Linux default / policy (higher is better), median of %d repetitions (min–max):%n%n| offered rps |",
                sweep.repetitions()));
        sweep.offeredRps().forEach(rps -> t.append(String.format(Locale.ROOT, " %.0f |", rps)));
        t.append("\n|---|").append("---|".repeat(sweep.offeredRps().size())).append('\n');
        for (String policy : sweep.policies()) {
            if (policy.equals(BASELINE)) {
                continue;
            }
            t.append("| ").append(policy).append(" |");
            for (int load = 0; load < sweep.offeredRps().size(); load++) {
                List<Double> r = ratios(policy, load);
                t.append(' ').append(r.isEmpty() ? "-" : Spread.of(r).format("%.1f", "x")).append(" |");
            }
            t.append('\n');
        }
        return t.toString();
    }

    /** The ratio of each repetition in which both Linux's default and the policy were measured. */
    List<Double> ratios(String policy, int load) {
        List<Double> out = new ArrayList<>();
        for (int rep = 0; rep < sweep.repetitions(); rep++) {
            LoadGenerator.Result base = sweep.get(BASELINE, load, rep);
            LoadGenerator.Result r = sweep.get(policy, load, rep);
            if (base != null && r != null && r.get().p99Micros() > 0) {
                out.add(base.get().p99Micros() / r.get().p99Micros());
            }
        }
        return out;
    }

    /** Requests sent and not answered, in all runs; each run that lost some. */
    String losses() {
        long sent = 0;
        List<String> lossy = new ArrayList<>();
        for (String policy : sweep.policies()) {
            for (int load = 0; load < sweep.offeredRps().size(); load++) {
                for (int rep = 0; rep < sweep.repetitions(); rep++) {
                    LoadGenerator.Result r = sweep.get(policy, load, rep);
                    if (r == null) {
                        continue;
                    }
                    sent += r.sent();
                    if (r.lost() > 0 || r.sendFailures() > 0) {
                        lossy.add(String.format(Locale.ROOT, "%s at %.0f rps, repetition %d: %d lost, %d not sent",
                                policy, r.offeredRps(), rep + 1, r.lost(), r.sendFailures()));
                    }
                }
            }
        }
        if (lossy.isEmpty()) {
            return String.format(Locale.ROOT, "Requests lost: none of %d sent.%n", sent);
        }
        return String.format(Locale.ROOT, "Requests lost in %d runs (of %d requests sent in all):%n  %s%n",
                lossy.size(), sent, String.join("\n  ", lossy));
    }

    /** GET p99 against offered load, the median of each point with the range of its repetitions. */
    String plot() {
        SvgPlot plot = new SvgPlot(String.format(Locale.ROOT, "GET p99 vs offered load (%.1f%% SCAN of %d us), median of %d",
                100 * config.scanFraction(), config.scanMicros(), sweep.repetitions()), "offered load (requests/s)", "GET p99 (us)");
        for (String policy : sweep.policies()) {
            for (int load = 0; load < sweep.offeredRps().size(); load++) {
                List<LoadGenerator.Result> rs = sweep.at(policy, load);
                if (!rs.isEmpty()) {
                    Spread s = spread(rs, r -> r.get().p99Micros());
                    plot.add(policy, sweep.offeredRps().get(load), s.median(), s.min(), s.max());
                }
            }
        }
        return plot.render();
    }

    /** The ratios against offered load, median with the range of the repetitions. */
    String ratioPlot() {
        SvgPlot plot = new SvgPlot(String.format(Locale.ROOT, "GET p99, Linux default / policy, median of %d",
                sweep.repetitions()), "offered load (requests/s)", "ratio (higher is better)");
        for (String policy : sweep.policies()) {
            if (policy.equals(BASELINE)) {
                continue;
            }
            for (int load = 0; load < sweep.offeredRps().size(); load++) {
                List<Double> r = ratios(policy, load);
                if (!r.isEmpty()) {
                    Spread s = Spread.of(r);
                    plot.add(policy, sweep.offeredRps().get(load), s.median(), s.min(), s.max());
                }
            }
        }
        return plot.render();
    }

    private static double median(List<LoadGenerator.Result> rs, ToDoubleFunction<LoadGenerator.Result> figure) {
        return spread(rs, figure).median();
    }

    private static Spread spread(List<LoadGenerator.Result> rs, ToDoubleFunction<LoadGenerator.Result> figure) {
        return Spread.of(rs.stream().map(figure::applyAsDouble).toList());
    }
}
