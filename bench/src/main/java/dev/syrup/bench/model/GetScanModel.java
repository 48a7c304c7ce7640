package dev.syrup.bench.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.DoubleStream;

/**
 * The demo's experiment without a machine: Poisson arrivals, four workers serving their queues in order,
 * a GET holding its worker for getMicros and a SCAN for scanMicros, and each policy choosing a worker
 * from what the real one sees when a request arrives (queue lengths and SCAN counts, which a worker
 * drops when it has served a request). No CPU, wake-up or network cost exists here: the GET p99 it
 * gives is what waiting behind other requests costs under a policy, the floor below which no
 * implementation of that policy can go on this workload.
 */
public final class GetScanModel {
    /** The demo's policies, as decisions over the workers' counters. */
    public enum Policy {
        /** Linux's reuseport hash: each client port (256) always lands on the same, randomly placed, worker. */
        LINUX_DEFAULT,
        ROUND_ROBIN,
        /** least_loaded.c: the shortest queue, whatever the request. */
        LEAST_LOADED,
        /** scan_avoid.c until 2026-12-03: GETs avoid workers with a SCAN; a SCAN joins the shortest queue. */
        SCAN_AVOID_EARLIER,
        /** scan_avoid.c: GETs avoid workers with a SCAN; a SCAN never takes the last worker without one. */
        SCAN_AVOID
    }

    /** The workload: how many workers, what a GET and a SCAN cost, how often a SCAN comes. */
    public record Workload(int workers, double getMicros, double scanMicros, double scanFraction, int clientPorts) {
        public static final Workload DEMO = new Workload(4, 10, 1000, 0.1, 256);
    }

    /** GET and SCAN p99 in microseconds, from arrival to the end of service. */
    public record Result(double getP99, double scanP99) {}

    private static final class Worker {
        final ArrayDeque<double[]> queue = new ArrayDeque<>(); // {end time in µs, 1 if a SCAN}
        double freeAt;
        int scans;

        void drain(double now) {
            while (!queue.isEmpty() && queue.peekFirst()[0] <= now) {
                scans -= (int) queue.pollFirst()[1];
            }
        }
    }

    private GetScanModel() {}

    /** Runs seconds of Poisson arrivals at rps under policy; the first 10% is warm-up, as in the demo. */
    public static Result run(Policy policy, Workload load, double rps, double seconds, long seed) {
        Random random = new Random(seed);
        int[] portWorker = random.ints(load.clientPorts(), 0, load.workers()).toArray();
        Worker[] workers = new Worker[load.workers()];
        Arrays.setAll(workers, i -> new Worker());
        List<Double> gets = new ArrayList<>();
        List<Double> scans = new ArrayList<>();
        double end = seconds * 1e6;
        double warmUp = end / 10;
        long sent = 0;
        for (double now = 0; now < end; now += -Math.log(1 - random.nextDouble()) * 1e6 / rps) {
            boolean scan = random.nextDouble() < load.scanFraction();
            int port = random.nextInt(load.clientPorts());
            for (Worker w : workers) {
                w.drain(now);
            }
            int chosen = switch (policy) {
                case LINUX_DEFAULT -> portWorker[port];
                case ROUND_ROBIN -> (int) (sent % workers.length);
                case LEAST_LOADED -> shortest(workers, w -> true);
                case SCAN_AVOID_EARLIER -> scan || Arrays.stream(workers).allMatch(w -> w.scans > 0)
                        ? shortest(workers, w -> true) : shortest(workers, w -> w.scans == 0);
                case SCAN_AVOID -> scanAvoid(workers, scan);
            };
            sent++;
            Worker w = workers[chosen];
            double done = Math.max(now, w.freeAt) + (scan ? load.scanMicros() : load.getMicros());
            w.freeAt = done;
            w.queue.addLast(new double[] {done, scan ? 1 : 0});
            w.scans += scan ? 1 : 0;
            if (now >= warmUp) {
                (scan ? scans : gets).add(done - now);
            }
        }
        return new Result(p99(gets), p99(scans));
    }

    private static int scanAvoid(Worker[] workers, boolean scan) {
        long clear = Arrays.stream(workers).filter(w -> w.scans == 0).count();
        if (clear == workers.length) {
            return shortest(workers, w -> true);
        }
        if (clear == 0 || (scan && clear == 1)) {
            return shortest(workers, w -> w.scans > 0);
        }
        return scan ? shortest(workers, w -> true) : shortest(workers, w -> w.scans == 0);
    }

    private static int shortest(Worker[] workers, Predicate<Worker> among) {
        int best = -1;
        for (int i = 0; i < workers.length; i++) {
            if (among.test(workers[i]) && (best < 0 || workers[i].queue.size() < workers[best].queue.size())) {
                best = i;
            }
        }
        return best;
    }

    private static double p99(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
    }

    /**
     * Prints the model's GET p99 and its ratio to Linux's default for the offered loads in
     * -Dsyrup.model.rps (default: the demo's loads at its measured capacity of about 16,000 rps),
     * each the median of -Dsyrup.model.reps runs of -Dsyrup.model.seconds.
     */
    public static void main(String[] args) {
        double[] loads = Arrays.stream(System.getProperty("syrup.model.rps", "4800,7200,9600,12000,13600").split(","))
                .mapToDouble(Double::parseDouble).toArray();
        int reps = Integer.getInteger("syrup.model.reps", 5);
        double seconds = Double.parseDouble(System.getProperty("syrup.model.seconds", "20"));
        Workload load = Workload.DEMO;
        System.out.printf(Locale.ROOT, "GET/SCAN queueing model: %d workers, GET %.0f us, SCAN %.0f us, %.1f%% SCAN, "
                        + "no CPU or wake-up cost; median of %d runs of %.0f s%n%n", load.workers(), load.getMicros(),
                load.scanMicros(), load.scanFraction() * 100, reps, seconds);
        double[][] getP99 = new double[Policy.values().length][loads.length];
        double[][] scanP99 = new double[Policy.values().length][loads.length];
        for (Policy policy : Policy.values()) {
            for (int i = 0; i < loads.length; i++) {
                Result[] runs = new Result[reps];
                for (int r = 0; r < reps; r++) {
                    runs[r] = run(policy, load, loads[i], seconds, 1000L * r + i);
                }
                getP99[policy.ordinal()][i] = median(Arrays.stream(runs).mapToDouble(Result::getP99));
                scanP99[policy.ordinal()][i] = median(Arrays.stream(runs).mapToDouble(Result::scanP99));
            }
        }
        System.out.println("GET p99 in us (the ratio: Linux's default / policy):");
        printTable(loads, getP99, true);
        System.out.println();
        System.out.println("SCAN p99 in us:");
        printTable(loads, scanP99, false);
    }

    private static void printTable(double[] loads, double[][] values, boolean ratios) {
        System.out.print("| policy |");
        for (double rps : loads) {
            System.out.printf(Locale.ROOT, " %.0f rps |", rps);
        }
        System.out.println("\n|---|" + "---|".repeat(loads.length));
        for (Policy policy : Policy.values()) {
            System.out.print("| " + policy.name().toLowerCase(Locale.ROOT) + " |");
            for (int i = 0; i < loads.length; i++) {
                double v = values[policy.ordinal()][i];
                double linux = values[Policy.LINUX_DEFAULT.ordinal()][i];
                System.out.printf(Locale.ROOT, ratios && policy != Policy.LINUX_DEFAULT ? " %.0f, %.1fx |" : " %.0f |",
                        v, linux / v);
            }
            System.out.println();
        }
    }

    private static double median(DoubleStream values) {
        double[] sorted = values.sorted().toArray();
        return sorted[sorted.length / 2];
    }
}
