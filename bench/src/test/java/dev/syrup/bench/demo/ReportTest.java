package dev.syrup.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.bench.load.LatencySummary;
import dev.syrup.bench.load.LoadGenerator;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The demo's report from given results (pure logic): table rows, p99 ratios, plot geometry. */
class ReportTest {
    private static LoadGenerator.Result result(double rate, double getP99) {
        LatencySummary get = new LatencySummary(1000, 100, 60, 90, getP99, getP99 * 2, getP99 * 3);
        LatencySummary scan = new LatencySummary(100, 1100, 1050, 1200, 1500, 1800, 2000);
        return new LoadGenerator.Result(rate, rate, 4, 1000, 1000, 1000, 0, 0, 0, get, scan, new long[4], 1, 2, 3, 0.1, 0.05);
    }

    private static Report report() {
        Map<String, List<LoadGenerator.Result>> results = new LinkedHashMap<>();
        results.put("linux-default", List.of(result(1000, 2000), result(2000, 4000)));
        results.put("scan_avoid.c", List.of(result(1000, 250), result(2000, 1000)));
        DemoConfig config = new DemoConfig(Path.of("out"), Path.of("examples"), Path.of("/pins"), 0.1, 10, 1000, 4,
                List.of(0.5, 1.0));
        return new Report(results, config);
    }

    @Test
    void ratiosDivideTheDefaultsGetP99ByEachPolicys() {
        assertThat(report().ratios()).contains("scan_avoid.c").contains("8.0x").contains("4.0x")
                .doesNotContain("linux-default   ");
    }

    @Test
    void tableHasOneRowPerPolicyAndLoad() {
        String table = report().table();
        assertThat(table.lines().filter(l -> l.startsWith("| linux-default") || l.startsWith("| scan_avoid"))).hasSize(4);
        assertThat(table).contains("| scan_avoid.c | 2000 | 2000 | 60 | 1000 | 2000 | 1500 | 0 |");
    }

    @Test
    void plotDrawsOneLinePerPolicyWithinTheFrame() {
        String svg = report().plot();
        assertThat(svg).startsWith("<svg").contains("linux-default").contains("scan_avoid.c");
        Matcher lines = Pattern.compile("<polyline points=\"([^\"]+)\"").matcher(svg);
        int count = 0;
        while (lines.find()) {
            count++;
            for (String point : lines.group(1).split(" ")) {
                double x = Double.parseDouble(point.split(",")[0]);
                double y = Double.parseDouble(point.split(",")[1]);
                assertThat(x).isBetween(80.0, 580.0);
                assertThat(y).isBetween(40.0, 400.0);
            }
        }
        assertThat(count).isEqualTo(2);
    }
}
