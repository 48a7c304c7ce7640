package dev.syrup.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-variant samples of one benchmark, printed as a table of medians, spread and ratios to a baseline. */
final class Figures {
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private final String unit;

    Figures(List<String> variants) { this(variants, "ns/packet"); }

    /** unit names what the samples measure in the table's header. */
    Figures(List<String> variants, String unit) {
        this.unit = unit;
        variants.forEach(v -> samples.put(v, new ArrayList<>()));
    }

    void add(String variant, double ns) { samples.get(variant).add(ns); }

    double last(String variant) {
        List<Double> xs = samples.get(variant);
        return xs.get(xs.size() - 1);
    }

    /**
     * print prints the table: medians over rounds and their ratio to the baseline's, and the ratio
     * within each round (both measured moments apart), median and range over rounds.
     */
    void print(String baseline) {
        List<Double> base = samples.get(baseline);
        System.out.println();
        System.out.println("| variant | median " + unit + " | min | max | ratio of medians | ratio per round: median (min-max) |");
        System.out.println("|---|---|---|---|---|---|");
        samples.forEach((v, xs) -> {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < xs.size(); i++) {
                ratios.add(xs.get(i) / base.get(i));
            }
            System.out.printf("| %s | %.1f | %.1f | %.1f | %.2f | %.2f (%.2f-%.2f) |%n", v, median(xs), min(xs), max(xs),
                    median(xs) / median(base), median(ratios), min(ratios), max(ratios));
        });
        System.out.println();
    }

    private static double min(List<Double> xs) { return xs.stream().mapToDouble(d -> d).min().orElse(0); }

    private static double max(List<Double> xs) { return xs.stream().mapToDouble(d -> d).max().orElse(0); }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }
}
