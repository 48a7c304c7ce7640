package dev.syrup.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.syrup.testing.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The C load generator against {@link TestKvServer} on 127.0.0.1 (real sockets, 2 s per run), and its output's parsing. */
class NativeLoadGeneratorTest {
    private static final Duration TWO_SECONDS = Duration.ofSeconds(2);
    private static final Duration SPIN = Duration.ofNanos(10_000);

    private static Path binary() { return TestApps.binary(NativeLoadGenerator.BINARY); }

    @Test
    void deliversTheOfferedLoadSeparatesGetsFromScansAndReportsItsCpuTime() throws Exception {
        try (TestKvServer server = TestKvServer.start(4)) {
            NativeLoadGenerator.Run run = NativeLoadGenerator.run(binary(),
                    LoadGenerator.Config.of(server.address(), 2000, TWO_SECONDS).withScanFraction(0.1).withSeed(1)
                            .withSpin(SPIN));
            LoadGenerator.Result r = run.result();
            System.out.println("native, 2000 rps, 10% SCAN: " + r.summary() + "; process CPU " + run.cpuNanos() / 1e6 + " ms");

            assertThat(r.achievedRps()).isCloseTo(2000, within(200.0));
            assertThat(r.sent()).isEqualTo(r.scheduled());
            assertThat(r.lost()).isZero();
            assertThat(r.received()).isEqualTo(r.sent());
            assertThat(r.unmatched()).isZero();
            long measured = r.get().count() + r.scan().count();
            assertThat(measured).isBetween(3200L, 4000L);
            assertThat((double) r.scan().count() / measured).isCloseTo(0.1, within(0.03));
            assertThat(r.get().p50Micros()).isLessThan(r.scan().p50Micros());
            assertThat(r.scan().p50Micros()).isGreaterThanOrEqualTo(1000); // a SCAN sleeps 1 ms
            assertThat(r.workerServed()).hasSize(4);
            assertThat(Arrays.stream(r.workerServed()).sum()).isEqualTo(measured);
            // It sleeps between sends: far from a busy core, and the threads' time is within the process's.
            assertThat(run.cpuNanos()).isPositive().isLessThan(run.wallNanos() / 2);
            assertThat(r.senderCpuShare()).isGreaterThan(0).isLessThan(0.30);
            assertThat((r.senderCpuShare() + r.receiverCpuShare()) * run.wallNanos()).isLessThanOrEqualTo(run.cpuNanos() * 1.05);
        }
    }

    @Test
    void aServerStallShowsInTheTailWhileSendsKeepToSchedule() throws Exception {
        try (TestKvServer server = TestKvServer.start(2)) {
            server.stallOnce(2000, Duration.ofMillis(100)); // about 1 s in, after the warm-up
            LoadGenerator.Result r = NativeLoadGenerator.run(binary(),
                    LoadGenerator.Config.of(server.address(), 2000, TWO_SECONDS).withSpin(SPIN)).result();
            System.out.println("native, server stalls 100 ms: " + r.summary());

            assertThat(r.lost()).isZero();
            assertThat(r.get().maxMicros()).isGreaterThanOrEqualTo(90_000);
            assertThat(r.get().p99Micros()).isGreaterThanOrEqualTo(40_000);
            assertThat(r.get().p50Micros()).isLessThan(5_000);
            // The sender did not wait for the server: every request went out, most of them on time.
            assertThat(r.sent()).isEqualTo(r.scheduled());
            assertThat(r.sendLagP50Micros()).isLessThan(5_000);
        }
    }

    @Test
    void unansweredRequestsAreLostNotLatencies() throws Exception {
        try (TestKvServer server = TestKvServer.start(2)) {
            server.dropEvery(50);
            LoadGenerator.Result r = NativeLoadGenerator.run(binary(), LoadGenerator.Config.of(server.address(), 1000,
                    Duration.ofSeconds(1)).withGrace(Duration.ofMillis(100)).withSpin(SPIN)).result();

            assertThat(server.handled()).isEqualTo(r.sent());
            assertThat(r.lost()).isEqualTo(r.sent() / 50);
            assertThat(r.received()).isEqualTo(r.sent() - r.lost());
            // Not a latency: a lost request counted at the end of the grace would wait most of the
            // 1.1 s run; answered ones take well under that even on a saturated machine.
            assertThat(r.get().maxMicros()).isLessThan(500_000);
            assertThat(r.get().count() + r.scan().count()).isEqualTo(Arrays.stream(r.workerServed()).sum());
        }
    }

    @Test
    void parsesTheResultLine() {
        NativeLoadGenerator.Run run = NativeLoadGenerator.parse("RESULT offered_rps=2000.0 achieved_rps=1990.5 "
                + "measured_seconds=1.800 scheduled=4000 sent=3999 received=3990 lost=9 send_failures=1 unmatched=2 "
                + "get_count=3200 get_mean_us=80.0 get_p50_us=60.0 get_p90_us=90.0 get_p99_us=900.0 get_p999_us=1500.0 "
                + "get_max_us=2000.0 scan_count=350 scan_mean_us=1100.0 scan_p50_us=1050.0 scan_p90_us=1200.0 "
                + "scan_p99_us=1500.0 scan_p999_us=1800.0 scan_max_us=1900.0 served=900,0,1000,1650 lag_p50_us=1.5 "
                + "lag_p99_us=30.0 lag_max_us=70.0 cpu_ns=40000000 sender_cpu_ns=20000000 receiver_cpu_ns=10000000 "
                + "wall_ns=2000000000");
        LoadGenerator.Result r = run.result();

        assertThat(run.cpuNanos()).isEqualTo(40_000_000L);
        assertThat(run.wallNanos()).isEqualTo(2_000_000_000L);
        assertThat(r.sent()).isEqualTo(3999);
        assertThat(r.lost()).isEqualTo(9);
        assertThat(r.sendFailures()).isEqualTo(1);
        assertThat(r.get()).isEqualTo(new LatencySummary(3200, 80, 60, 90, 900, 1500, 2000));
        assertThat(r.scan().p99Micros()).isEqualTo(1500);
        assertThat(r.workerServed()).containsExactly(900, 0, 1000, 1650);
        assertThat(r.sendLagP99Micros()).isEqualTo(30);
        assertThat(r.senderCpuShare()).isEqualTo(0.01);
        assertThat(r.receiverCpuShare()).isEqualTo(0.005);
    }
}
