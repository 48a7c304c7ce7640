package dev.syrup.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * Open-loop load for the key-value server's GET/SCAN experiment, measuring tail latency the way
 * it is experienced by clients that do not wait for each other.
 *
 * <ul>
 * <li><b>Open loop, Poisson arrivals.</b> Send times are fixed before the run
 * ({@link ArrivalSchedule}: exponential inter-arrival times from a seeded
 * {@link java.util.SplittableRandom}); the sender never waits for a reply, so a slow server
 * meets more requests, not fewer. Requests go out from {@code sockets} client sockets, each on
 * its own ephemeral port, chosen at random per request: many flows for the kernel's hash.
 * <li><b>A sender that does not spin.</b> One thread parks until shortly before each send time
 * and spins only for the last few microseconds, never more than {@link Config#spin()} (50 µs)
 * ({@link Pacer}); on a 2-core machine a busy-waiting client would take a core from the server
 * and flatten every difference between policies.
 * <li><b>Latency from the intended send time</b>, not from the actual one, to the reply's
 * arrival: if the server (or the sender) stalls, every request that should have gone out
 * meanwhile counts its wait. This avoids coordinated omission. How late the sender itself was
 * is reported separately ({@link Result#sendLagP50Micros()}, p99, max).
 * <li><b>One receiver thread</b> with a {@link java.nio.channels.Selector} over all client
 * sockets; a reply is matched to its request by id, an index into the precomputed schedule.
 * <li><b>Warm-up</b>: requests meant for the first {@link Config#warmup()} (default 10% of the
 * run, at least 200 ms) are sent but not recorded.
 * <li><b>Grace</b>: after the last send the receiver waits up to {@link Config#grace()} for
 * late replies. Requests still unanswered are counted as lost and are not in the latencies.
 * </ul>
 * Latencies go into HdrHistograms (3 significant digits, up to 10 s), one per request type.
 * {@link #run(Config)} uses whichever network namespace the calling process is in.
 */
public final class LoadGenerator {
    static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Lets both threads start before the first request is due. */
    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private LoadGenerator() {
    }

    /**
     * One run.
     *
     * @param target the server's address and port
     * @param rate offered load, requests per second
     * @param duration the sending window, warm-up included
     * @param scanFraction probability that a request is a SCAN (the rest are GETs)
     * @param sockets client source sockets, each on its own ephemeral port
     * @param seed seeds the arrival times, the request types and the choice of socket
     * @param warmup beginning of the window whose requests are not recorded
     * @param grace how long to wait for late replies after the last send
     * @param requestBytes size of a request datagram, at least the 9-byte header
     * @param spin how long before each send time the sender stops sleeping and spins
     */
    public record Config(InetSocketAddress target, double rate, Duration duration, double scanFraction, int sockets,
            long seed, Duration warmup, Duration grace, int requestBytes, Duration spin) {
        public static final double DEFAULT_SCAN_FRACTION = 0.005;
        public static final int DEFAULT_SOCKETS = 256;
        public static final Duration DEFAULT_GRACE = Duration.ofMillis(200);
        public static final Duration DEFAULT_SPIN = Duration.ofNanos(50_000);

        public Config {
            if (target == null || target.isUnresolved()) {
                throw new IllegalArgumentException("target must be a resolved address: " + target);
            }
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("rate must be positive: " + rate);
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive: " + duration);
            }
            if (!(scanFraction >= 0 && scanFraction <= 1)) {
                throw new IllegalArgumentException("scan fraction must be in [0, 1]: " + scanFraction);
            }
            if (sockets < 1) {
                throw new IllegalArgumentException("sockets must be at least 1: " + sockets);
            }
            if (warmup.isNegative() || warmup.compareTo(duration) >= 0) {
                throw new IllegalArgumentException("warm-up " + warmup + " must be in [0, duration " + duration + ")");
            }
            if (grace.isNegative() || spin.isNegative()) {
                throw new IllegalArgumentException("grace and spin must not be negative: " + grace + ", " + spin);
            }
            if (requestBytes < Wire.HEADER_BYTES || requestBytes > 65507) {
                throw new IllegalArgumentException("request size must be in [9, 65507]: " + requestBytes);
            }
        }

        /** A run with the defaults: 0.5% SCAN, 256 sockets, seed 1, default warm-up, 200 ms grace, 16-byte requests. */
        public static Config of(InetSocketAddress target, double rate, Duration duration) {
            return new Config(target, rate, duration, DEFAULT_SCAN_FRACTION, DEFAULT_SOCKETS, 1, defaultWarmup(duration),
                    DEFAULT_GRACE, Wire.DEFAULT_REQUEST_BYTES, DEFAULT_SPIN);
        }

        /** 10% of the run, at least 200 ms, but never more than half of it. */
        public static Duration defaultWarmup(Duration duration) {
            Duration w = duration.dividedBy(10);
            if (w.compareTo(Duration.ofMillis(200)) < 0) {
                w = Duration.ofMillis(200);
            }
            Duration half = duration.dividedBy(2);
            return w.compareTo(half) > 0 ? half : w;
        }

        public Config withScanFraction(double f) {
            return new Config(target, rate, duration, f, sockets, seed, warmup, grace, requestBytes, spin);
        }

        public Config withSockets(int n) {
            return new Config(target, rate, duration, scanFraction, n, seed, warmup, grace, requestBytes, spin);
        }

        public Config withSeed(long s) {
            return new Config(target, rate, duration, scanFraction, sockets, s, warmup, grace, requestBytes, spin);
        }

        public Config withWarmup(Duration w) {
            return new Config(target, rate, duration, scanFraction, sockets, seed, w, grace, requestBytes, spin);
        }

        public Config withGrace(Duration g) {
            return new Config(target, rate, duration, scanFraction, sockets, seed, warmup, g, requestBytes, spin);
        }

        public Config withRequestBytes(int b) {
            return new Config(target, rate, duration, scanFraction, sockets, seed, warmup, grace, b, spin);
        }

        public Config withSpin(Duration s) {
            return new Config(target, rate, duration, scanFraction, sockets, seed, warmup, grace, requestBytes, s);
        }
    }

    /**
     * What a run measured. Counts of requests ({@code scheduled}, {@code sent}, {@code received},
     * {@code lost}, {@code sendFailures}) cover the whole run, warm-up included; {@code lost} is
     * sent minus answered. Latencies, {@code workerServed} and {@code achievedRps} cover the
     * measured window: requests meant for after the warm-up and, for the throughput, replies
     * that arrived between the end of the warm-up and the end of the sending window.
     *
     * @param offeredRps the configured rate
     * @param achievedRps replies per second arriving in the measured window
     * @param measuredSeconds length of the measured window
     * @param sendFailures requests the kernel would not queue (socket buffer full or an error)
     * @param unmatched datagrams that were not a reply to an outstanding request of this run
     * @param workerServed replies in the measured window per worker index (from the reply's byte 9),
     *        up to the highest index seen
     * @param sendLagP50Micros how late the sends of the measured window were, at p50, relative to
     *        their intended times (included in the latencies)
     * @param senderCpuShare the sender thread's CPU time over its wall time (1.0 = one core)
     * @param receiverCpuShare the same for the receiver thread
     */
    public record Result(double offeredRps, double achievedRps, double measuredSeconds, long scheduled, long sent,
            long received, long lost, long sendFailures, long unmatched, LatencySummary get, LatencySummary scan,
            long[] workerServed, double sendLagP50Micros, double sendLagP99Micros, double sendLagMaxMicros,
            double senderCpuShare,
            double receiverCpuShare) {

        /** One line for people. */
        public String summary() {
            return String.format("offered %.0f rps, achieved %.0f rps; sent %d, lost %d; GET p50 %.0f p99 %.0f "
                    + "p99.9 %.0f max %.0f us (%d); SCAN p50 %.0f p99 %.0f p99.9 %.0f max %.0f us (%d); "
                    + "per worker %s; sender lag p50 %.0f p99 %.0f us, CPU %.1f%%", offeredRps, achievedRps, sent, lost,
                    get.p50Micros(), get.p99Micros(), get.p999Micros(), get.maxMicros(), get.count(), scan.p50Micros(),
                    scan.p99Micros(), scan.p999Micros(), scan.maxMicros(), scan.count(), Arrays.toString(workerServed),
                    sendLagP50Micros, sendLagP99Micros, 100 * senderCpuShare);
        }
    }

    /** Runs one point: blocks for the duration plus up to the grace period. */
    public static Result run(Config config) throws IOException, InterruptedException {
        return run(config, Sender.Hook.NONE);
    }

    static Result run(Config c, Sender.Hook hook) throws IOException, InterruptedException {
        long durationNanos = c.duration().toNanos();
        long warmupNanos = c.warmup().toNanos();
        ArrivalSchedule schedule = ArrivalSchedule.poisson(c.rate(), durationNanos, c.scanFraction(), c.seed());
        try (ClientSockets sockets = ClientSockets.open(c.sockets(), c.target().getAddress())) {
            long start = System.nanoTime() + START_DELAY_NANOS;
            Sender sender = new Sender(schedule, start, warmupNanos, sockets.channels(), c.target(), c.requestBytes(),
                    new Pacer(c.spin().toNanos()), c.seed(), hook);
            ReplyReceiver receiver = new ReplyReceiver(schedule, start, warmupNanos, durationNanos,
                    c.grace().toNanos(), sockets.selector(), sender);
            FutureTask<Void> receiving = new FutureTask<>(receiver);
            FutureTask<Void> sending = new FutureTask<>(sender);
            Thread rt = new Thread(receiving, "loadgen-receiver");
            Thread st = new Thread(sending, "loadgen-sender");
            rt.start();
            st.start();
            try {
                await(sending);
                sockets.selector().wakeup(); // the receiver now knows how many replies to expect
                await(receiving);
            } finally {
                st.interrupt();
                rt.interrupt();
                st.join();
                rt.join();
            }
            return result(c, schedule, sender, receiver);
        }
    }

    private static void await(FutureTask<Void> task) throws IOException, InterruptedException {
        try {
            task.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static Result result(Config c, ArrivalSchedule schedule, Sender sender, ReplyReceiver receiver) {
        double measuredSeconds = (c.duration().toNanos() - c.warmup().toNanos()) / 1e9;
        long[] served = receiver.workerServed();
        int workers = served.length;
        while (workers > 0 && served[workers - 1] == 0) {
            workers--;
        }
        long senderWall = sender.finishedAtNanos() - sender.startedAtNanos();
        return new Result(c.rate(), receiver.repliesInWindow() / measuredSeconds, measuredSeconds, schedule.size(),
                sender.sent(), receiver.received(), sender.sent() - receiver.received(), sender.sendFailures(),
                receiver.unmatched(), LatencySummary.of(receiver.getNanos()), LatencySummary.of(receiver.scanNanos()),
                Arrays.copyOf(served, workers), sender.lagNanos().getValueAtPercentile(50) / 1e3,
                sender.lagNanos().getValueAtPercentile(99) / 1e3,
                sender.lagNanos().getMaxValue() / 1e3, share(sender.cpuNanos(), senderWall),
                share(receiver.cpuNanos(), receiver.wallNanos()));
    }

    private static double share(long cpuNanos, long wallNanos) {
        return wallNanos <= 0 ? 0 : (double) cpuNanos / wallNanos;
    }
}
