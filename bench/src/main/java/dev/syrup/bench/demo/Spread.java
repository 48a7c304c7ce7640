package dev.syrup.bench.demo;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** The median of repeated measurements of one figure, with the lowest and highest of them. */
record Spread(double median, double min, double max, int count) {
    /** of summarises values; the median of an even count is the mean of the middle two. */
    static Spread of(Collection<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Spread(median, sorted.get(0), sorted.get(n - 1), n);
    }

    /** format prints the median and its unit, then the range if the values differ: "4.2x (3.1–5.0)". */
    String format(String number, String unit) {
        String m = String.format(Locale.ROOT, number, median) + unit;
        return min == max ? m : m + " (" + String.format(Locale.ROOT, number, min) + "–"
                + String.format(Locale.ROOT, number, max) + ")";
    }
}
