package dev.syrup.bench.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A line chart as SVG: one line per series, logarithmic y axis (latencies span decades); a point may
 * carry a range (the lowest and highest of repeated measurements), drawn as an error bar.
 */
public final class SvgPlot {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final int W = 760;
    private static final int H = 460;
    private static final int LEFT = 80;
    private static final int RIGHT = 180;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final Map<String, List<double[]>> series = new LinkedHashMap<>();

    public SvgPlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** add appends point (x, y) to the named series; y must be positive (log scale). */
    public SvgPlot add(String name, double x, double y) {
        return add(name, x, y, y, y);
    }

    /** add appends point (x, y) with its range [low, high] to the named series; all positive (log scale). */
    public SvgPlot add(String name, double x, double y, double low, double high) {
        series.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {x, positive(y),
                positive(Math.min(low, y)), positive(Math.max(high, y))});
        return this;
    }

    private static double positive(double v) { return Math.max(v, 1e-9); }

    public String render() {
        double xMin = Double.MAX_VALUE, xMax = -Double.MAX_VALUE, yMin = Double.MAX_VALUE, yMax = -Double.MAX_VALUE;
        for (List<double[]> pts : series.values()) {
            for (double[] p : pts) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMin = Math.min(yMin, p[2]);
                yMax = Math.max(yMax, p[3]);
            }
        }
        if (xMin == Double.MAX_VALUE) {
            xMin = 0;
            xMax = 1;
            yMin = 1;
            yMax = 10;
        }
        double lyMin = Math.floor(Math.log10(yMin));
        double lyMax = Math.max(lyMin + 1, Math.ceil(Math.log10(yMax)));
        double xPad = xMax == xMin ? 1 : 0;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", W, H));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
        svg.append(text(W / 2.0, 22, title, "middle", 15));
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
                LEFT, TOP, plotW, plotH));
        for (double d = lyMin; d <= lyMax; d++) {
            double y = TOP + plotH - (d - lyMin) / (lyMax - lyMin) * plotH;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, y, LEFT + plotW, y));
            svg.append(text(LEFT - 6, y + 4, format(Math.pow(10, d)), "end", 11));
        }
        for (int i = 0; i <= 4; i++) {
            double xv = xMin + (xMax - xMin + xPad) * i / 4;
            double x = LEFT + (double) plotW * i / 4;
            svg.append(text(x, TOP + plotH + 18, format(xv), "middle", 11));
        }
        svg.append(text(LEFT + plotW / 2.0, H - 18, xLabel, "middle", 12));
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">%s</text>%n",
                TOP + plotH / 2.0, TOP + plotH / 2.0, escape(yLabel)));
        int s = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            String color = COLORS[s % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (double[] p : e.getValue()) {
                double x = LEFT + (p[0] - xMin) / (xMax - xMin + xPad) * plotW;
                double y = TOP + plotH - (Math.log10(p[1]) - lyMin) / (lyMax - lyMin) * plotH;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                if (p[3] > p[2]) {
                    double yLow = TOP + plotH - (Math.log10(p[2]) - lyMin) / (lyMax - lyMin) * plotH;
                    double yHigh = TOP + plotH - (Math.log10(p[3]) - lyMin) / (lyMax - lyMin) * plotH;
                    svg.append(String.format(Locale.ROOT, "<path class=\"range\" d=\"M%.1f,%.1f V%.1f M%.1f,%.1f H%.1f "
                            + "M%.1f,%.1f H%.1f\" stroke=\"%s\" stroke-width=\"1.2\" fill=\"none\"/>%n",
                            x, yLow, yHigh, x - 4, yLow, x + 4, x - 4, yHigh, x + 4, color));
                }
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, color));
            }
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    pts.toString().trim(), color));
            double ly = TOP + 10 + 20 * s;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    W - RIGHT + 15, ly, W - RIGHT + 40, ly, color));
            svg.append(text(W - RIGHT + 46, ly + 4, e.getKey(), "start", 12));
            s++;
        }
        return svg.append("</svg>\n").toString();
    }

    private static String text(double x, double y, String s, String anchor, int size) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, escape(s));
    }

    private static String format(double v) {
        return v >= 1000 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.2g", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
