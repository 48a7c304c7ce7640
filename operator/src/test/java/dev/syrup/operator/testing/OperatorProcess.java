package dev.syrup.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged operator (target/quarkus-app/quarkus-run.jar) as a process, authenticated by a kubeconfig file,
 * with its HTTP port (metrics, health) on a free local port and its log in target/.
 */
public final class OperatorProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;
    private final String identity;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OperatorProcess(Process process, int port, Path log, String identity) {
        this.process = process;
        this.identity = identity;
        this.port = port;
        this.log = log;
    }

    /** This module's packaged operator, or the one -Dsyrup.operator.jar names (a benchmark's baseline build). */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("syrup.operator.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the operator is packaged before its integration tests run");
        }
        return jar;
    }

    /** Starts the operator; env adds to / overrides its environment (e.g. SYRUP_OPERATOR_... settings). */
    public static OperatorProcess start(String name, Path kubeconfig, Map<String, String> env, String... jvmArgs) {
        int port = freePort();
        Path log = Path.of("target", "operator-" + name + ".log").toAbsolutePath();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-jar");
        cmd.add(jar().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.environment().put("SYRUP_OPERATOR_CACHE_DIR", Path.of("target", "operator-cache").toAbsolutePath().toString());
        pb.environment().put("QUARKUS_LOG_CATEGORY__DEV_SYRUP__LEVEL", "DEBUG");
        pb.environment().putAll(env);
        try {
            return new OperatorProcess(pb.start(), port, log, env.get("POD_NAME"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() { return port; }

    /** Its name in the leader-election lease ($POD_NAME). */
    public String identity() { return identity; }

    public Path log() { return log; }

    public boolean isAlive() { return process.isAlive(); }

    public long pid() { return process.pid(); }

    /** Waits until /q/health/live answers 200 (the HTTP server is up). */
    public OperatorProcess awaitLive(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator exited (" + process.exitValue() + "); log:\n" + tail());
            }
            try {
                if (get("/q/health/live").statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(250);
        }
        throw new IllegalStateException("the operator did not come up within " + timeout + "; log:\n" + tail());
    }

    /** The Prometheus text of /q/metrics. */
    public String metrics() {
        try {
            return get("/q/metrics").body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sum of all samples of a metric (any labels) whose label text contains labelFilter ("" for all). */
    public double metric(String name, String labelFilter) {
        return Metrics.sum(metrics(), name, labelFilter);
    }

    public HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The last lines of the log. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
