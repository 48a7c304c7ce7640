package dev.syrup.operator.testing;

/** Reads samples out of Prometheus text exposition. */
public final class Metrics {
    private Metrics() {}

    /** Sum of the samples of name (name{labels} value) whose label text contains labelFilter. */
    public static double sum(String text, String name, String labelFilter) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            String rest = line.substring(name.length());
            String labels = "";
            if (rest.startsWith("{")) {
                int end = rest.indexOf('}');
                labels = rest.substring(0, end + 1);
                rest = rest.substring(end + 1);
            } else if (!rest.startsWith(" ")) {
                continue; // another metric whose name starts with this one
            }
            if (!labels.contains(labelFilter)) {
                continue;
            }
            String value = rest.trim().split(" ")[0];
            total += Double.parseDouble(value);
        }
        return total;
    }
}
