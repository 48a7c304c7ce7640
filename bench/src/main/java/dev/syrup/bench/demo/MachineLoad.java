package dev.syrup.bench.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;

/**
 * What the machine did besides the demo, from /proc: CPU time by kind (/proc/stat), the CPU time of
 * the demo's own processes (/proc/PID/stat) and the load average. Between two samples, each kind is
 * a share of all CPU time of the machine, so a reader can tell a quiet run from a shared one.
 */
final class MachineLoad {
    /** Above this share of the machine, other processes make a run noisy. */
    static final double BUSY_OTHERS = 0.10;
    /** Above this share, the hypervisor took CPU time the run would have had. */
    static final double BUSY_STEAL = 0.02;

    // Fields of the "cpu" line of /proc/stat, in clock ticks, summed over CPUs.
    private static final int USER = 0, NICE = 1, SYSTEM = 2, IDLE = 3, IOWAIT = 4, IRQ = 5, SOFTIRQ = 6, STEAL = 7;

    /** The counters at one moment: the machine's CPU ticks by kind, the demo's own ticks, the 1-minute load average. */
    record Sample(long[] cpu, int cpus, long ownTicks, double loadAverage) {}

    /**
     * Shares of the machine's CPU time between two samples: {@code others} is user and system time
     * not spent by the demo's processes, {@code own} the demo's (runner, syrupd, server, compilers
     * they ran), {@code interrupts} hard and soft interrupt time (mostly the demo's own packets),
     * {@code steal} time the hypervisor gave to other guests.
     */
    record Usage(double others, double own, double interrupts, double steal, double idle, int cpus) {
        boolean busy() { return others > BUSY_OTHERS || steal > BUSY_STEAL; }
    }

    private MachineLoad() {
    }

    /** sample reads the counters now; pids are the demo's own processes (those gone are skipped). */
    static Sample sample(Collection<Long> pids) {
        String stat = read(Path.of("/proc/stat"));
        long own = 0;
        for (long pid : pids) {
            try {
                own += processTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
            } catch (NoSuchFileException gone) {
                // exited: its time went to its parent's children time, if that is ours
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Sample(cpuTicks(stat), cpuCount(stat), own, loadAverage(read(Path.of("/proc/loadavg"))));
    }

    static Usage between(Sample a, Sample b) {
        long[] d = new long[8];
        long total = 0;
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.max(0, b.cpu()[i] - a.cpu()[i]);
            total += d[i];
        }
        if (total == 0) {
            return new Usage(0, 0, 0, 0, 1, b.cpus());
        }
        double t = total;
        long own = Math.max(0, b.ownTicks() - a.ownTicks());
        long userSystem = d[USER] + d[NICE] + d[SYSTEM];
        return new Usage(Math.max(0, userSystem - own) / t, Math.min(own, userSystem) / t, (d[IRQ] + d[SOFTIRQ]) / t,
                d[STEAL] / t, (d[IDLE] + d[IOWAIT]) / t, b.cpus());
    }

    /** The first eight fields of /proc/stat's "cpu" line: user nice system idle iowait irq softirq steal. */
    static long[] cpuTicks(String procStat) {
        String line = procStat.lines().filter(l -> l.startsWith("cpu ")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no cpu line in /proc/stat"));
        String[] f = line.trim().split("\\s+");
        long[] ticks = new long[8];
        for (int i = 0; i < ticks.length && i + 1 < f.length; i++) {
            ticks[i] = Long.parseLong(f[i + 1]);
        }
        return ticks;
    }

    static int cpuCount(String procStat) {
        return (int) Math.max(1, procStat.lines().filter(l -> l.matches("cpu\\d+ .*")).count());
    }

    /** utime + stime + cutime + cstime of /proc/PID/stat (fields 14-17, counted after the command's ')'). */
    static long processTicks(String procPidStat) {
        String[] f = procPidStat.substring(procPidStat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state): field n is f[n - 3].
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    static double loadAverage(String procLoadavg) {
        return Double.parseDouble(procLoadavg.trim().split("\\s+")[0]);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
