package dev.syrup.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runs against {@link TestKvServer} on 127.0.0.1: real sockets, real timing, 2 s per run. */
class LoadGeneratorTest {
    private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

    @Test
    void deliversTheOfferedLoadAndSeparatesGetsFromScans() throws Exception {
        try (TestKvServer server = TestKvServer.start(4)) {
            LoadGenerator.Result r = LoadGenerator.run(
                    LoadGenerator.Config.of(server.address(), 2000, TWO_SECONDS).withScanFraction(0.1).withSeed(1));
            System.out.println("2000 rps, 10% SCAN: " + r.summary());

            assertThat(r.achievedRps()).isCloseTo(2000, within(200.0));
            assertThat(r.sent()).isEqualTo(r.scheduled());
            assertThat(r.lost()).isZero();
            assertThat(r.received()).isEqualTo(r.sent());
            assertThat(r.unmatched()).isZero();
            // About 3600 requests in the measured window; the SCAN share's standard deviation is 0.005.
            long measured = r.get().count() + r.scan().count();
            assertThat(measured).isBetween(3200L, 4000L);
            assertThat((double) r.scan().count() / measured).isCloseTo(0.1, within(0.03));
            assertThat(r.get().p50Micros()).isLessThan(r.scan().p50Micros());
            assertThat(r.scan().p50Micros()).isGreaterThanOrEqualTo(1000); // a SCAN sleeps 1 ms
            assertThat(r.workerServed()).hasSize(4);
            assertThat(java.util.Arrays.stream(r.workerServed()).sum()).isEqualTo(measured);
        }
    }

    @Test
    void aServerStallShowsInTheTailWhileSendsKeepToSchedule() throws Exception {
        try (TestKvServer server = TestKvServer.start(2)) {
            server.stallOnce(2000, Duration.ofMillis(100)); // about 1 s in, after the warm-up
            LoadGenerator.Result r = LoadGenerator.run(LoadGenerator.Config.of(server.address(), 2000, TWO_SECONDS));
            System.out.println("server stalls 100 ms: " + r.summary());

            assertThat(r.lost()).isZero();
            assertThat(r.get().maxMicros()).isGreaterThanOrEqualTo(90_000);
            assertThat(r.get().p999Micros()).isGreaterThanOrEqualTo(90_000);
            // Every request meant for the stall waited: about 3% of them 40 ms or more, not one.
            assertThat(r.get().p99Micros()).isGreaterThanOrEqualTo(40_000);
            assertThat(r.get().p50Micros()).isLessThan(5_000);
            // The sender did not wait for the server.
            assertThat(r.sendLagMaxMicros()).isLessThan(50_000);
        }
    }

    @Test
    void latencyCountsFromTheIntendedTimeWhenTheSenderIsLate() throws Exception {
        try (TestKvServer server = TestKvServer.start(2)) {
            // The sender stops for 100 ms before request 2000, then sends the backlog at once.
            Sender.Hook pause = id -> {
                if (id == 2000) {
                    Thread.sleep(100);
                }
            };
            LoadGenerator.Result r = LoadGenerator.run(LoadGenerator.Config.of(server.address(), 2000, TWO_SECONDS),
                    pause);
            System.out.println("sender pauses 100 ms: " + r.summary());

            assertThat(r.lost()).isZero();
            assertThat(r.sendLagMaxMicros()).isGreaterThanOrEqualTo(90_000);
            // Measured from the actual send, every reply would be back within milliseconds.
            assertThat(r.get().maxMicros()).isGreaterThanOrEqualTo(90_000);
            assertThat(r.get().p999Micros()).isGreaterThanOrEqualTo(90_000);
            assertThat(r.get().p99Micros()).isGreaterThanOrEqualTo(40_000);
            assertThat(r.get().p50Micros()).isLessThan(5_000);
        }
    }

    @Test
    void theSenderSleepsRatherThanSpins() throws Exception {
        try (TestKvServer server = TestKvServer.start(4)) {
            LoadGenerator.Result r = LoadGenerator.run(LoadGenerator.Config.of(server.address(), 2000, TWO_SECONDS));
            System.out.printf("sender CPU %.1f%%, receiver CPU %.1f%% of their wall time; %s%n",
                    100 * r.senderCpuShare(), 100 * r.receiverCpuShare(), r.summary());

            // A busy-waiting sender would use close to 100% of a core.
            assertThat(r.senderCpuShare()).isGreaterThan(0).isLessThan(0.30);
            assertThat(r.receiverCpuShare()).isLessThan(0.50);
            assertThat(r.lost()).isZero();
        }
    }

    @Test
    void unansweredRequestsAreLostNotLatencies() throws Exception {
        try (TestKvServer server = TestKvServer.start(2)) {
            server.dropEvery(50);
            LoadGenerator.Result r = LoadGenerator.run(LoadGenerator.Config.of(server.address(), 1000,
                    Duration.ofSeconds(1)).withGrace(Duration.ofMillis(100)));
            System.out.println("server drops every 50th: " + r.summary());

            assertThat(server.handled()).isEqualTo(r.sent());
            assertThat(r.lost()).isEqualTo(r.sent() / 50);
            assertThat(r.received()).isEqualTo(r.sent() - r.lost());
            assertThat(r.get().maxMicros()).isLessThan(100_000); // the grace period is not a latency
        }
    }
}
