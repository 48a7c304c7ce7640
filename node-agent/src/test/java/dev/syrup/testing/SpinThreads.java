package dev.syrup.testing;

import dev.syrup.bpf.Affinity;
import dev.syrup.hook.thread.Cgroups;
import dev.syrup.hook.thread.ProcTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The spin_threads test application in a cgroup v2 of its own (created under the v2 mount point,
 * removed on close): N workers that spin and sleep in turn, so the scheduler switches, wakes and
 * preempts them all the time.
 */
public final class SpinThreads implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(15);

    private final Process process;
    private final Path cgroupDir;
    private final List<Integer> workers = new ArrayList<>();

    private SpinThreads(Process process, Path cgroupDir) {
        this.process = process;
        this.cgroupDir = cgroupDir;
    }

    /** start runs spin_threads with n workers in cgroup v2 group name (with cpus as its affinity, null: all). */
    public static SpinThreads start(String name, int n, List<Integer> cpus) {
        Path dir = Cgroups.v2Mount().resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of("sh", "-c",
                "echo $$ > " + dir.resolve("cgroup.procs") + " && exec \"$0\" \"$@\""));
        if (cpus != null) {
            cmd.addAll(List.of("taskset", "-c", String.join(",", cpus.stream().map(String::valueOf).toList())));
        }
        cmd.addAll(List.of(TestApps.binary("spin_threads").toString(), Integer.toString(n), "2000", "1000"));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SpinThreads app = new SpinThreads(p, dir);
        LineQueue out = new LineQueue(p.getInputStream(), "spin_threads stdout");
        try {
            for (String line; !"ready".equals(line = out.next(START)); ) {
                if (line == null) {
                    throw new IllegalStateException("spin_threads exited before it was ready");
                }
                String[] f = line.split(" ");
                app.workers.add(Integer.parseInt(f[2]));
            }
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        return app;
    }

    public long pid() { return process.pid(); }

    /** The workers' thread ids, in the order they were started. */
    public List<Integer> workers() { return List.copyOf(workers); }

    /** The cgroup's path below the v2 root, e.g. "/syrup-t-app". */
    public String cgroup() { return "/" + Cgroups.v2Mount().relativize(cgroupDir); }

    /** Each worker's allowed CPUs now. */
    public List<BitSet> affinities() { return workers.stream().map(Affinity::get).toList(); }

    /** The CPU each worker last ran on (/proc/TID/stat, field 39). */
    public List<Integer> processors() { return workers.stream().map(ProcTask::processor).toList(); }

    public static BitSet cpus(int... cpus) {
        BitSet b = new BitSet();
        for (int c : cpus) {
            b.set(c);
        }
        return b;
    }

    /** await polls condition until it holds; fails with what() after the timeout. */
    public static void await(Duration timeout, BooleanSupplier condition, java.util.function.Supplier<String> what) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what.get());
            }
            SyrupdProcess.sleep(50);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int i = 0; i < 100 && Files.exists(cgroupDir); i++) {
            try {
                Files.deleteIfExists(cgroupDir); // busy until the kernel has reaped the process
            } catch (IOException e) {
                SyrupdProcess.sleep(20);
            }
        }
    }
}
