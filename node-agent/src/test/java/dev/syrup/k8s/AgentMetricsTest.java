package dev.syrup.k8s;

import static dev.syrup.testing.k8s.AgentProcess.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The labels of the per-deployment counters (pure logic: the samples are given; AgentTest scrapes a real agent's
 * counters read from the kernel).
 */
class AgentMetricsTest {
    @Test
    void hooksOfOneTypeOnTwoPortsOfAPodKeepTheirCountersApart() {
        try (AgentMetrics metrics = new AgentMetrics()) {
            metrics.source(() -> List.of(
                    new AgentMetrics.Sample("team-a", "rr", "server", "socket-select", new long[] {10, 20}, 1, 0, 0, 9000, null),
                    new AgentMetrics.Sample("team-a", "rr", "server", "socket-select", new long[] {30, 40}, 2, 0, 0, 9001, null),
                    new AgentMetrics.Sample("team-a", "rr", "server", "thread", new long[] {50}, 0, 0, 0, 0, null)));
            String text = metrics.scrape();

            assertThat(sample(text, "syrup_policy_decisions_total", "port=\"9000\"", "executor=\"1\"")).isEqualTo(20.0);
            assertThat(sample(text, "syrup_policy_decisions_total", "port=\"9001\"", "executor=\"1\"")).isEqualTo(40.0);
            assertThat(sample(text, "syrup_policy_passes_total", "port=\"9001\"", "")).isEqualTo(2.0);
            assertThat(sample(text, "syrup_policy_decisions_total", "hook=\"thread\"", "executor=\"0\"")).isEqualTo(50.0);
        }
    }
}
