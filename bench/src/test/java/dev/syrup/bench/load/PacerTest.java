package dev.syrup.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PacerTest {
    @Test
    void neverReturnsEarlyAndSleepsThroughLongWaits() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Pacer pacer = new Pacer(50_000);
        int n = 200;
        long[] lag = new long[n];
        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long deadline = System.nanoTime() + 1_000_000; // 1 ms waits: a spinner would use 100% of a core
            pacer.awaitNanoTime(deadline);
            lag[i] = System.nanoTime() - deadline;
        }
        double cpuShare = (double) (mx.getCurrentThreadCpuTime() - cpu0) / (System.nanoTime() - wall0);
        Arrays.sort(lag);
        System.out.printf("pacer: lag p50 %.1f us, p90 %.1f us, overshoot learnt %.1f us, CPU %.1f%%%n",
                lag[n / 2] / 1e3, lag[n * 9 / 10] / 1e3, pacer.overshootNanos() / 1e3, 100 * cpuShare);

        assertThat(lag[0]).isNotNegative();
        assertThat(cpuShare).isLessThan(0.25);
        // The learnt overshoot brings the typical wake-up close to the deadline (a plain park
        // is about 70 µs late here); generous against a busy machine.
        assertThat(lag[n / 2]).isLessThan(50_000);
    }

    @Test
    void aPassedDeadlineReturnsAtOnce() throws Exception {
        Pacer pacer = new Pacer(50_000);
        long t0 = System.nanoTime();
        pacer.awaitNanoTime(t0 - 1_000_000);
        assertThat(System.nanoTime() - t0).isLessThan(1_000_000);
    }
}
