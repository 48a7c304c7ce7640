package dev.syrup.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real one-node cluster of src/test/k8s/cluster (kubelet + containerd + CNI bridge, the control plane
 * built from source), brought up with the chart's image archives imported, and driven as a user drives
 * one: with the kubectl and helm CLIs. {@link #close} tears it down (so does a JVM shutdown, and the
 * next bring-up tears down what a killed run left).
 */
final class LocalCluster implements AutoCloseable {
    static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);
    private final Path home;
    private final Path kubeconfig;
    private final Path bin;
    private final Thread shutdownHook;
    private boolean closed;

    private LocalCluster(Path home, Path kubeconfig, Path bin) {
        this.home = home;
        this.kubeconfig = kubeconfig;
        this.bin = bin;
        this.shutdownHook = new Thread(this::down, "local-cluster-down");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The checkout's root. */
    static Path home() {
        return Path.of(System.getProperty("syrup.home", "../..")).toAbsolutePath().normalize();
    }

    /** The chart's appVersion: the tag of the images it names. */
    static String appVersion() {
        try {
            Matcher m = Pattern.compile("(?m)^appVersion:\\s*\"?([^\"\\s]+)").matcher(
                    Files.readString(home().resolve("helm/syrup/Chart.yaml")));
            if (!m.find()) {
                throw new IllegalStateException("helm/syrup/Chart.yaml has no appVersion");
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The archives `make images` writes: the chart's agent and operator images. */
    static List<Path> chartImages() {
        List<Path> archives = new ArrayList<>();
        for (String name : List.of("syrup-agent", "syrup-operator")) {
            Path a = home().resolve("build/images/" + name + "-" + appVersion() + ".tar");
            if (!Files.isRegularFile(a)) {
                throw new IllegalStateException(a + " is missing: build the images with `make images` (make test does)");
            }
            archives.add(a);
        }
        return archives;
    }

    /** Brings the cluster up with these image archives imported (up.sh prints timings on stderr). */
    static LocalCluster up(List<Path> images) {
        Path home = home();
        List<String> cmd = new ArrayList<>(List.of(home.resolve("src/test/k8s/cluster/up.sh").toString()));
        images.forEach(i -> cmd.add(i.toString()));
        Result r = run(cmd, Duration.ofMinutes(40), home);
        System.err.print(r.output);
        if (r.status != 0) {
            throw new IllegalStateException("the cluster did not come up (exit " + r.status + "):\n" + r.output);
        }
        String[] lines = r.output.strip().split("\n");
        Path kubeconfig = Path.of(lines[lines.length - 1].strip());
        String version = System.getProperty("syrup.k8s.version", "1.34.4");
        Path bin = Path.of(System.getProperty("user.home"), ".cache/syrup/k8s", version + "-linux-amd64");
        if (System.getenv("SYRUP_K8S_CACHE") != null) {
            bin = Path.of(System.getenv("SYRUP_K8S_CACHE"), version + "-linux-amd64");
        }
        return new LocalCluster(home, kubeconfig, bin);
    }

    Path kubeconfig() { return kubeconfig; }

    /** kubectl ARGS; fails with its output unless it exits 0. */
    String kubectl(String... args) {
        return check(tool("kubectl", args));
    }

    /** kubectl ARGS, whatever its exit status. */
    Result tryKubectl(String... args) {
        return tool("kubectl", args);
    }

    /** helm ARGS (run from the checkout's root, so helm/syrup is the chart); fails unless it exits 0. */
    String helm(String... args) {
        return check(tool("helm", args));
    }

    private Result tool(String name, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(bin.resolve(name).toString());
        cmd.add("--kubeconfig");
        cmd.add(kubeconfig.toString());
        cmd.addAll(List.of(args));
        return run(cmd, COMMAND_TIMEOUT, home);
    }

    private static String check(Result r) {
        if (r.status != 0) {
            throw new AssertionError(String.join(" ", r.command) + " exited " + r.status + ":\n" + r.output);
        }
        return r.output;
    }

    record Result(List<String> command, int status, String output) {}

    /** Runs a command with stdout and stderr merged, bounded by the timeout. */
    static Result run(List<String> cmd, Duration timeout, Path dir) {
        try {
            Path out = Files.createTempFile("syrup-cluster-cmd", ".out");
            try {
                Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).start();
                if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    return new Result(cmd, -1, "timed out after " + timeout.toSeconds() + " s\n"
                            + Files.readString(out, StandardCharsets.UTF_8));
                }
                return new Result(cmd, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + cmd, e);
        }
    }

    private synchronized void down() {
        if (closed) {
            return;
        }
        closed = true;
        Result r = run(List.of(home.resolve("src/test/k8s/cluster/down.sh").toString()), Duration.ofMinutes(5), home);
        System.err.print(r.output);
        if (r.status != 0) {
            throw new IllegalStateException("teardown left something on the host (exit " + r.status + "):\n" + r.output);
        }
    }

    /** Tears the cluster down; fails if anything stays on the host. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        down();
    }
}
