package dev.syrup.bench.load;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * When each request of a run is meant to be sent, and what it is: Poisson arrivals at a given
 * rate (exponential inter-arrival times), each request a SCAN with probability
 * {@code scanFraction}, otherwise a GET. Computed before the run, so sending costs nothing but
 * the send, and the receiver can look any request up by its id (its index here).
 *
 * <p>Times and types come from separate streams split off one seeded {@link SplittableRandom}:
 * the same seed gives the same arrival times whatever the SCAN fraction.
 */
public final class ArrivalSchedule {
    private final long[] offsetNanos;
    private final byte[] types;

    private ArrivalSchedule(long[] offsetNanos, byte[] types) {
        this.offsetNanos = offsetNanos;
        this.types = types;
    }

    /** The arrivals in {@code [0, durationNanos)} at {@code rate} requests per second. */
    public static ArrivalSchedule poisson(double rate, long durationNanos, double scanFraction, long seed) {
        if (!(rate > 0) || durationNanos <= 0 || !(scanFraction >= 0 && scanFraction <= 1)) {
            throw new IllegalArgumentException("rate " + rate + ", duration " + durationNanos + " ns, scan fraction "
                    + scanFraction);
        }
        double expected = rate * durationNanos / 1e9;
        if (expected > Integer.MAX_VALUE / 2.0) {
            throw new IllegalArgumentException("too many requests for one run: " + (long) expected);
        }
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom times = root.split();
        SplittableRandom kinds = root.split();
        double meanGapNanos = 1e9 / rate;
        int capacity = (int) (expected + 10 * Math.sqrt(expected) + 16);
        long[] offsets = new long[capacity];
        int n = 0;
        double t = exponential(times, meanGapNanos);
        while (t < durationNanos) {
            if (n == offsets.length) {
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
            }
            offsets[n++] = (long) t;
            t += exponential(times, meanGapNanos);
        }
        byte[] types = new byte[n];
        for (int i = 0; i < n; i++) {
            types[i] = kinds.nextDouble() < scanFraction ? Wire.SCAN : Wire.GET;
        }
        return new ArrivalSchedule(Arrays.copyOf(offsets, n), types);
    }

    /** An exponentially distributed gap: -mean * ln(U), U uniform in (0, 1]. */
    private static double exponential(SplittableRandom random, double mean) {
        return -mean * Math.log(1.0 - random.nextDouble());
    }

    public int size() { return types.length; }

    /** Intended send time of request {@code id}, in nanoseconds from the start of the run. */
    public long offsetNanos(int id) { return offsetNanos[id]; }

    /** {@link Wire#GET} or {@link Wire#SCAN}. */
    public byte type(int id) { return types[id]; }
}
