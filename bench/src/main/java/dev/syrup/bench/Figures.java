package dev.syrup.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-variant samples of one benchmark, printed as a table of medians, spread and ratios to a baseline. */
final class Figures {
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();

    Figures(List<String> variants) {
        variants.forEach(v -> samples.put(v, new ArrayList<>()));
    }

    void add(String variant, double ns) { samples.get(variant).add(ns); }

    double last(String variant) {
        List<Double> xs = samples.get(variant);
        return xs.get(xs.size() - 1);
    }

    /** print prints the table; ratios are medians over the baseline's median. */
    void print(String baseline) {
        double base = median(samples.get(baseline));
        System.out.println();
        System.out.println("| variant | median ns/packet | min | max | ratio to " + baseline + " (median) |");
        System.out.println("|---|---|---|---|---|");
        samples.forEach((v, xs) -> System.out.printf("| %s | %.1f | %.1f | %.1f | %.2f |%n", v, median(xs),
                xs.stream().mapToDouble(d -> d).min().orElse(0), xs.stream().mapToDouble(d -> d).max().orElse(0),
                median(xs) / base));
        System.out.println();
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }
}
