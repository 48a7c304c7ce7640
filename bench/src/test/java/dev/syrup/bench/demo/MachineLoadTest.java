package dev.syrup.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing /proc and the shares between two samples (pure logic), and one real sample. */
class MachineLoadTest {
    private static final String STAT = """
            cpu  1000 10 500 8000 40 20 30 100 0 0
            cpu0 500 5 250 4000 20 10 15 50 0 0
            cpu1 500 5 250 4000 20 10 15 50 0 0
            intr 12345
            """;

    @Test
    void readsTheCpuLineAndCountsTheCpus() {
        assertThat(MachineLoad.cpuTicks(STAT)).containsExactly(1000, 10, 500, 8000, 40, 20, 30, 100);
        assertThat(MachineLoad.cpuCount(STAT)).isEqualTo(2);
    }

    @Test
    void processTicksAddUserSystemAndReapedChildrenTimeEvenWithSpacesInTheName() {
        String stat = "4242 (java worker (1)) S 1 4242 4242 0 -1 4194560 100 0 0 0 70 30 5 2 20 0 30 0 1 2 3";
        assertThat(MachineLoad.processTicks(stat)).isEqualTo(70 + 30 + 5 + 2);
    }

    @Test
    void loadAverageIsTheFirstField() {
        assertThat(MachineLoad.loadAverage("3.81 1.52 0.57 4/321 9999\n")).isEqualTo(3.81);
    }

    @Test
    void sharesSplitUserAndSystemTimeBetweenTheDemoAndOthers() {
        MachineLoad.Sample a = new MachineLoad.Sample(new long[] {1000, 0, 500, 8000, 0, 0, 0, 0}, 2, 200, 1.0);
        // 1000 ticks pass: 300 user, 100 system (250 of them the demo's), 50 softirq, 20 steal, 530 idle.
        MachineLoad.Sample b = new MachineLoad.Sample(new long[] {1300, 0, 600, 8530, 0, 0, 50, 20}, 2, 450, 2.5);

        MachineLoad.Usage u = MachineLoad.between(a, b);

        assertThat(u.own()).isCloseTo(0.25, within(1e-9));
        assertThat(u.others()).isCloseTo(0.15, within(1e-9));
        assertThat(u.interrupts()).isCloseTo(0.05, within(1e-9));
        assertThat(u.steal()).isCloseTo(0.02, within(1e-9));
        assertThat(u.idle()).isCloseTo(0.53, within(1e-9));
        assertThat(u.busy()).isTrue();
        assertThat(new MachineLoad.Usage(0.05, 0.5, 0.05, 0.01, 0.39, 2).busy()).isFalse();
    }

    @Test
    void aRealSampleCountsThisProcessesTime() {
        MachineLoad.Sample s = MachineLoad.sample(List.of(ProcessHandle.current().pid()));
        assertThat(s.cpus()).isGreaterThanOrEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(s.ownTicks()).isPositive();
        assertThat(s.cpu()[3]).isPositive(); // idle time since boot
    }
}
