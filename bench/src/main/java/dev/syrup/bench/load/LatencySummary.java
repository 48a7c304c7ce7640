package dev.syrup.bench.load;

import org.HdrHistogram.Histogram;

/**
 * Latencies of one request type over a run's measured window, in microseconds, from each
 * request's intended send time to its reply's arrival. {@code count} is the number of replies
 * recorded; the figures are 0 when it is 0.
 */
public record LatencySummary(long count, double meanMicros, double p50Micros, double p90Micros, double p99Micros,
        double p999Micros, double maxMicros) {

    static LatencySummary of(Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
        }
        return new LatencySummary(nanos.getTotalCount(), micros(nanos.getMean()),
                micros(nanos.getValueAtPercentile(50)), micros(nanos.getValueAtPercentile(90)),
                micros(nanos.getValueAtPercentile(99)), micros(nanos.getValueAtPercentile(99.9)),
                micros(nanos.getMaxValue()));
    }

    private static double micros(double nanos) {
        return Math.round(nanos / 100.0) / 10.0; // 0.1 µs: the histogram keeps 3 significant digits anyway
    }
}
