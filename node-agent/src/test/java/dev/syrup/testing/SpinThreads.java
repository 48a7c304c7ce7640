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
    private final LineQueue out;

    private SpinThreads(Process process, Path cgroupDir) {
        this.process = process;
        this.cgroupDir = cgroupDir;
        this.out = new LineQueue(process.getInputStream(), "spin_threads stdout");
    }

    /** start runs spin_threads with n workers in cgroup v2 group name (with cpus as its affinity, null: all). */
    public static SpinThreads start(String name, int n, List<Integer> cpus) {
        return start(name, n, cpus, null, 0);
    }

    /**
     * start runs spin_threads with n workers in cgroup v2 group name (with cpus as its affinity, null:
     * all), as uid (0: root, the test's user), its client library talking to the syrupd at socket.
     */
    public static SpinThreads start(String name, int n, List<Integer> cpus, Path socket, int uid) {
        Path dir = Cgroups.v2Mount().resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of("sh", "-c",
                "echo $$ > " + dir.resolve("cgroup.procs") + " && exec \"$0\" \"$@\""));
        if (uid != 0) {
            cmd.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
        }
        if (cpus != null) {
            cmd.addAll(List.of("taskset", "-c", String.join(",", cpus.stream().map(String::valueOf).toList())));
        }
        cmd.addAll(List.of(binaryFor(uid).toString(), Integer.toString(n), "2000", "1000"));
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            if (socket != null) {
                pb.environment().put("SYRUP_SOCKET", socket.toString());
            }
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SpinThreads app = new SpinThreads(p, dir);
        LineQueue out = app.out;
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

    /**
     * The binary, for uid: another user may not reach the checkout (under /root), so it runs a copy
     * in a directory anyone can enter.
     */
    private static Path binaryFor(int uid) {
        Path binary = TestApps.binary("spin_threads");
        if (uid == 0) {
            return binary;
        }
        try {
            Path dir = Files.createTempDirectory("syrup-spin");
            dir.toFile().setExecutable(true, false);
            dir.toFile().setReadable(true, false);
            Path copy = Files.copy(binary, dir.resolve("spin_threads"));
            copy.toFile().setExecutable(true, false);
            copy.toFile().setReadable(true, false);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * command sends one line to the application's stdin ("register ID K...", "unregister ID K...",
     * "register-tid ID TID") and returns its answer: "ok" or "error KIND MESSAGE".
     */
    public String command(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String answer = out.next(Duration.ofSeconds(60));
        if (answer == null) {
            throw new IllegalStateException("spin_threads exited");
        }
        return answer;
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
