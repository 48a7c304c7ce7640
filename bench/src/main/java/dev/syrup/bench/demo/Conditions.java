package dev.syrup.bench.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The conditions the demo measured under, for its output: how busy the machine was (other
 * processes, steal, load average; over the whole sweep and per repetition) and what the load
 * generator itself cost.
 */
final class Conditions {
    /** Above this many CPUs at the highest load, the load generator takes a real share of a 2-CPU machine. */
    static final double GENERATOR_COMPETES_CPUS = 0.25;

    /**
     * One run of the load generator: its process's CPU time over the run, the requests it sent, and the
     * CPU shares of its sender and receiver threads (1.0 = one CPU).
     */
    record GeneratorRun(double offeredRps, long cpuNanos, long wallNanos, long sent, double senderCpus,
                        double receiverCpus) {
        double microsPerRequest() { return sent == 0 ? 0 : cpuNanos / 1e3 / sent; }

        double cpus() { return wallNanos == 0 ? 0 : (double) cpuNanos / wallNanos; }
    }

    private final String generatorKind;
    private final List<MachineLoad.Usage> repetitions = new ArrayList<>();
    private final List<GeneratorRun> generator = new ArrayList<>();
    private MachineLoad.Usage whole;
    private double seconds;
    private double loadStart;
    private double loadEnd;
    private double loadMax;

    /** generatorKind says which load generator ran and what its CPU time covers. */
    Conditions(String generatorKind) {
        this.generatorKind = generatorKind;
    }

    void start(MachineLoad.Sample s) {
        loadStart = s.loadAverage();
        loadMax = s.loadAverage();
    }

    void loadAverage(double now) { loadMax = Math.max(loadMax, now); }

    void repetition(MachineLoad.Usage u) { repetitions.add(u); }

    void generator(GeneratorRun run) { generator.add(run); }

    void finish(MachineLoad.Usage u, MachineLoad.Sample end, double seconds) {
        this.whole = u;
        this.seconds = seconds;
        this.loadEnd = end.loadAverage();
        loadAverage(end.loadAverage());
    }

    String machine() {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
                "Machine during the sweep (%d CPUs, %.0f s), shares of all its CPU time:%n", whole.cpus(), seconds));
        t.append(String.format(Locale.ROOT, "  other processes %5.1f%% (%.2f CPUs)%n", 100 * whole.others(),
                whole.others() * whole.cpus()));
        t.append(String.format(Locale.ROOT, "  the demo        %5.1f%% (runner and load generator, syrupd, server)%n",
                100 * whole.own()));
        t.append(String.format(Locale.ROOT, "  interrupts      %5.1f%% (mostly the demo's packets)%n", 100 * whole.interrupts()));
        t.append(String.format(Locale.ROOT, "  steal           %5.1f%%%n", 100 * whole.steal()));
        t.append(String.format(Locale.ROOT, "  idle            %5.1f%%%n", 100 * whole.idle()));
        t.append(String.format(Locale.ROOT, "  load average (1 min): %.2f at the start, %.2f at the end, %.2f at most%n",
                loadStart, loadEnd, loadMax));
        t.append("  per repetition (other processes / steal):");
        for (int i = 0; i < repetitions.size(); i++) {
            MachineLoad.Usage u = repetitions.get(i);
            t.append(String.format(Locale.ROOT, " %d: %.0f%% / %.1f%%%s", i + 1, 100 * u.others(), 100 * u.steal(),
                    u.busy() ? " (busy)" : ""));
        }
        t.append('\n');
        if (whole.busy()) {
            t.append(String.format(Locale.ROOT, "  The machine was BUSY: other processes took %.0f%% of its CPU time, steal %.1f%% "
                    + "(quiet means under %.0f%% and %.0f%%). The ranges show what it cost; compare with a quiet run.%n",
                    100 * whole.others(), 100 * whole.steal(), 100 * MachineLoad.BUSY_OTHERS, 100 * MachineLoad.BUSY_STEAL));
        } else {
            t.append("  The machine was quiet: other processes and steal took little of its CPU time.\n");
        }
        return t.toString();
    }

    String loadGenerator() {
        if (generator.isEmpty()) {
            return "";
        }
        Spread perRequest = Spread.of(generator.stream().map(GeneratorRun::microsPerRequest).toList());
        double top = generator.stream().mapToDouble(GeneratorRun::offeredRps).max().orElseThrow();
        List<GeneratorRun> topRuns = generator.stream().filter(g -> g.offeredRps() == top).toList();
        double atTop = Spread.of(topRuns.stream().map(GeneratorRun::cpus).toList()).median();
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
                "Load generator (%s): %s us of CPU per request "
                        + "(median of %d runs), i.e. %.1f%% of a CPU per 1,000 requests/s; at %.0f rps it used %.2f CPUs "
                        + "(sender thread %.2f, receiver thread %.2f)",
                generatorKind, perRequest.format("%.1f", ""), generator.size(), perRequest.median() / 10, top, atTop,
                Spread.of(topRuns.stream().map(GeneratorRun::senderCpus).toList()).median(),
                Spread.of(topRuns.stream().map(GeneratorRun::receiverCpus).toList()).median()));
        if (whole != null && atTop > GENERATOR_COMPETES_CPUS) {
            t.append(String.format(Locale.ROOT, " of %d: it competes with the server's workers for the CPUs", whole.cpus()));
        }
        return t.append(".\n").toString();
    }
}
