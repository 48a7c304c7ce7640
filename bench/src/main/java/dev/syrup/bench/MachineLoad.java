package dev.syrup.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How busy the machine was during a benchmark: load average and the share of CPU time stolen by the host. */
final class MachineLoad {
    private final long[] start = cpuTimes();

    /** describe says the load average now and the steal time since this object was made. */
    String describe() throws IOException {
        long[] end = cpuTimes();
        long total = 0;
        for (int i = 0; i < end.length; i++) {
            total += end[i] - start[i];
        }
        double steal = total == 0 || end.length < 8 ? 0 : 100.0 * (end[7] - start[7]) / total;
        String[] load = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return String.format("load average %s %s %s, steal %.1f%% of CPU time", load[0], load[1], load[2], steal);
    }

    /** The aggregate "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal ... */
    private static long[] cpuTimes() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long[] t = new long[f.length - 1];
            for (int i = 1; i < f.length; i++) {
                t[i - 1] = Long.parseLong(f[i]);
            }
            return t;
        } catch (IOException e) {
            return new long[0];
        }
    }
}
