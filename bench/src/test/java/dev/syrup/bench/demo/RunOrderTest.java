package dev.syrup.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syrup.bench.demo.RunOrder.Run;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunOrderTest {
    private static final List<String> POLICIES = List.of("linux-default", "round_robin.c", "scan_avoid.c", "least_loaded.c");

    @Test
    void everyPolicyRunsAtALoadBeforeTheNextLoadAndTheSweepRepeats() {
        List<Run> runs = RunOrder.interleaved(2, 3, POLICIES);

        assertThat(runs).hasSize(2 * 3 * 4);
        assertThat(runs.subList(0, 5)).containsExactly(new Run(0, 0, "linux-default"), new Run(0, 0, "round_robin.c"),
                new Run(0, 0, "scan_avoid.c"), new Run(0, 0, "least_loaded.c"), new Run(0, 1, "linux-default"));
        assertThat(runs.get(12)).isEqualTo(new Run(1, 0, "linux-default"));
        assertThat(runs.get(23)).isEqualTo(new Run(1, 2, "least_loaded.c"));
        // Each (repetition, load, policy) exactly once, and a policy's runs at one load are never adjacent.
        assertThat(runs).doesNotHaveDuplicates();
        for (int i = 1; i < runs.size(); i++) {
            assertThat(runs.get(i).policy()).isNotEqualTo(runs.get(i - 1).policy());
        }
    }

    @Test
    void nothingToRunIsAnError() {
        assertThatThrownBy(() -> RunOrder.interleaved(0, 3, POLICIES)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunOrder.interleaved(3, 3, List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
