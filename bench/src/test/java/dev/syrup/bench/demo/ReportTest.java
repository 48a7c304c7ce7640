package dev.syrup.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.bench.load.LatencySummary;
import dev.syrup.bench.load.LoadGenerator;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The demo's report from given results (pure logic): table rows, ratio medians and ranges, losses, plot geometry. */
class ReportTest {
    private static final List<String> POLICIES = List.of("linux-default", "scan_avoid.c");

    private static LoadGenerator.Result result(double rate, double getP99, long lost) {
        LatencySummary get = new LatencySummary(1000, 100, 60, 90, getP99, getP99 * 2, getP99 * 3);
        LatencySummary scan = new LatencySummary(100, 1100, 1050, 1200, 1500, 1800, 2000);
        return new LoadGenerator.Result(rate, rate, 4, 1000, 1000, 1000 - lost, lost, 0, 0, get, scan, new long[4], 1, 2,
                3, 0.1, 0.05);
    }

    private static DemoConfig config(int reps) {
        return new DemoConfig(Path.of("out"), Path.of("examples"), Path.of("/pins"), 7100, 0.1, 10, 1000, 4, List.of(0.5, 1.0),
                reps, DemoConfig.Generator.JAVA, Path.of("testapps"));
    }

    /**
     * Three repetitions at two loads. Linux's default at 1000 rps: 2000, 3000, 1000 us; scan_avoid: 250, 1000, 500 us,
     * so the paired ratios are 8x, 3x, 2x (median 3x) while the ratio of the medians would be 4x.
     */
    private static Report report() {
        Sweep sweep = new Sweep(POLICIES, List.of(1000.0, 2000.0), 3);
        double[][] base = {{2000, 3000, 1000}, {4000, 4000, 4000}};
        double[][] policy = {{250, 1000, 500}, {1000, 800, 2000}};
        for (RunOrder.Run run : RunOrder.interleaved(3, 2, POLICIES)) {
            double[][] p99 = run.policy().equals("linux-default") ? base : policy;
            long lost = run.policy().equals("scan_avoid.c") && run.load() == 1 && run.repetition() == 2 ? 7 : 0;
            sweep.put(run, result(1000.0 * (run.load() + 1), p99[run.load()][run.repetition()], lost));
        }
        return new Report(sweep, config(3));
    }

    @Test
    void ratiosArePairedWithinARepetitionThenTheMedianWithItsRange() {
        assertThat(report().ratios(POLICIES.get(1), 0)).containsExactly(8.0, 3.0, 2.0);
        assertThat(report().ratios()).contains("| scan_avoid.c | 3.0x (2.0–8.0) | 4.0x (2.0–5.0) |")
                .doesNotContain("| linux-default |").contains("median of 3 repetitions");
    }

    @Test
    void tableHasOneRowPerPolicyAndLoadWithMediansAndTheLossesOfAllRepetitions() {
        String table = report().table();
        assertThat(table.lines().filter(l -> l.startsWith("| linux-default") || l.startsWith("| scan_avoid"))).hasSize(4);
        assertThat(table).contains("| linux-default | 1000 | 1000 | 60 | 2000 (1000–3000) | 4000 | 1500 | 0 |");
        assertThat(table).contains("| scan_avoid.c | 2000 | 2000 | 60 | 1000 (800–2000) | 2000 | 1500 | 7 |");
    }

    @Test
    void lossesNameEachRunThatLostRequests() {
        assertThat(report().losses()).contains("1 runs").contains("scan_avoid.c at 2000 rps, repetition 3: 7 lost");
        Sweep clean = new Sweep(POLICIES, List.of(1000.0), 1);
        clean.put(new RunOrder.Run(0, 0, "linux-default"), result(1000, 900, 0));
        assertThat(new Report(clean, config(1)).losses()).isEqualTo("Requests lost: none of 1000 sent.\n");
    }

    @Test
    void plotsDrawOneLinePerSeriesWithARangeAtEachPointWithinTheFrame() {
        String svg = report().plot();
        assertThat(svg).startsWith("<svg").contains("linux-default").contains("scan_avoid.c");
        assertThat(lines(svg)).isEqualTo(2);
        // Every point has a range except linux-default at 2000 rps (4000 us three times).
        assertThat(svg.split("class=\"range\"", -1)).hasSize(4);

        String ratios = report().ratioPlot();
        assertThat(ratios).contains("scan_avoid.c").doesNotContain(">linux-default<");
        assertThat(lines(ratios)).isEqualTo(1);
        assertThat(ratios.split("class=\"range\"", -1)).hasSize(3);
    }

    /** The number of polylines, each point checked to lie in the plot's frame. */
    private static int lines(String svg) {
        Matcher lines = Pattern.compile("<polyline points=\"([^\"]+)\"").matcher(svg);
        int count = 0;
        while (lines.find()) {
            count++;
            for (String point : lines.group(1).split(" ")) {
                assertThat(Double.parseDouble(point.split(",")[0])).isBetween(80.0, 580.0);
                assertThat(Double.parseDouble(point.split(",")[1])).isBetween(40.0, 400.0);
            }
        }
        Matcher ranges = Pattern.compile("class=\"range\" d=\"M[\\d.]+,([\\d.]+) V([\\d.]+)").matcher(svg);
        while (ranges.find()) {
            assertThat(Double.parseDouble(ranges.group(1))).isBetween(40.0, 400.0);
            assertThat(Double.parseDouble(ranges.group(2))).isBetween(40.0, 400.0);
        }
        return count;
    }
}
