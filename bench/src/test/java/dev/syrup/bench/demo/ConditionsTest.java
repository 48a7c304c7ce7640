package dev.syrup.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The conditions' text from given samples (pure logic): busy or quiet, the load generator's cost. */
class ConditionsTest {
    private static MachineLoad.Sample sample(double loadAverage) {
        return new MachineLoad.Sample(new long[8], 2, 0, loadAverage);
    }

    private static Conditions conditions(MachineLoad.Usage whole) {
        Conditions c = new Conditions("Java, its whole JVM");
        c.start(sample(1.5));
        c.loadAverage(4.25);
        c.repetition(new MachineLoad.Usage(0.30, 0.4, 0.05, 0.01, 0.24, 2));
        c.repetition(new MachineLoad.Usage(0.02, 0.4, 0.05, 0.00, 0.53, 2));
        // 40 us of CPU per request at 1000 rps and at 10000 rps; at 10000 rps that is 0.4 CPUs.
        c.generator(new Conditions.GeneratorRun(1000, 120_000_000L, 3_000_000_000L, 3000, 0.02, 0.01));
        c.generator(new Conditions.GeneratorRun(10000, 1_200_000_000L, 3_000_000_000L, 30000, 0.25, 0.1));
        c.finish(whole, sample(2.0), 120);
        return c;
    }

    @Test
    void aBusyMachineIsSaidToBeBusyWithItsFigures() {
        String text = conditions(new MachineLoad.Usage(0.16, 0.4, 0.05, 0.005, 0.385, 2)).machine();
        assertThat(text).contains("BUSY").contains("other processes  16.0% (0.32 CPUs)")
                .contains("1.50 at the start, 2.00 at the end, 4.25 at most")
                .contains("1: 30% / 1.0% (busy) 2: 2% / 0.0%");
    }

    @Test
    void aQuietMachineIsSaidToBeQuiet() {
        String text = conditions(new MachineLoad.Usage(0.03, 0.4, 0.05, 0.005, 0.515, 2)).machine();
        assertThat(text).contains("quiet").doesNotContain("BUSY");
    }

    @Test
    void theLoadGeneratorsCostIsPerRequestAndPerThousandRequestsPerSecond() {
        String text = conditions(new MachineLoad.Usage(0.03, 0.4, 0.05, 0.005, 0.515, 2)).loadGenerator();
        assertThat(text).contains("Load generator (Java, its whole JVM): 40.0 us of CPU per request").contains("4.0% of a CPU per 1,000 requests/s")
                .contains("at 10000 rps it used 0.40 CPUs (sender thread 0.25, receiver thread 0.10) of 2: it competes");
    }
}
