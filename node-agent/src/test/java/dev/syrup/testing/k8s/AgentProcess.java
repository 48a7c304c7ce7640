package dev.syrup.testing.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.bpf.Bpffs;
import dev.syrup.testing.SyrupdProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The real agent ({@code syrup agent}) in a process of its own, authenticated by a kubeconfig (a
 * service account's, so it has exactly the chart's RBAC), with private socket, pins, state and
 * metrics port; a test can SIGKILL it and start it again over the same state.
 */
public final class AgentProcess implements AutoCloseable {
    /** Compiled policies, shared by the agents of a test JVM (a warm cache). */
    public static final Path SHARED_CACHE = SyrupdProcess.tempDir("syrup-agent-cache");

    public final Path dir = SyrupdProcess.tempDir("syrup-agent");
    public final Path socket = dir.resolve("syrupd.sock");
    public final Path pinRoot = Path.of("/sys/fs/bpf/syrup-agent-" + UUID.randomUUID().toString().substring(0, 8));
    public final Path log = dir.resolve("agent.log");
    public final int metricsPort = freePort();
    private final String nodeName;
    private final Path kubeconfig;
    private final Path cacheDir;
    private Process process;
    private int logStart;

    public AgentProcess(String nodeName, Path kubeconfig) { this(nodeName, kubeconfig, SHARED_CACHE); }

    public AgentProcess(String nodeName, Path kubeconfig, Path cacheDir) {
        this.nodeName = nodeName;
        this.kubeconfig = kubeconfig;
        this.cacheDir = cacheDir;
        // Pods' processes reach the socket (the agent decides what they may do).
        dir.toFile().setExecutable(true, false);
        dir.toFile().setReadable(true, false);
        start();
    }

    public void start() {
        try {
            Files.deleteIfExists(socket);
            logStart = log().length();
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "dev.syrup.cli.Syrup", "agent",
                    "--node-name", nodeName, "--kubeconfig", kubeconfig.toString(),
                    "--socket", socket.toString(), "--pin-root", pinRoot.toString(),
                    "--state-dir", dir.resolve("state").toString(), "--cache-dir", cacheDir.toString(),
                    "--metrics-port", Integer.toString(metricsPort), "--resync-seconds", "1"));
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant deadline = Instant.now().plusSeconds(60);
        while (!logSinceStart().contains("agent for node " + nodeName + " watching")) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the agent did not start:\n" + log());
            }
            SyrupdProcess.sleep(50);
        }
    }

    public boolean isAlive() { return process.isAlive(); }

    /** Stops the agent the hard way, as a crash would: deployments stay in place. */
    public void kill() { SyrupdProcess.kill(process); }

    public String log() { return SyrupdProcess.readLog(log); }

    /** What the agent logged since it was last started. */
    public String logSinceStart() {
        String all = log();
        return all.length() >= logStart ? all.substring(logStart) : all;
    }

    /** Directories of deployments pinned in bpffs. */
    public List<Path> pinnedDeployments() { return List.copyOf(Bpffs.list(pinRoot.resolve("deployments"))); }

    /** Per-namespace dispatcher directories pinned in bpffs. */
    public List<Path> pinnedDispatchers() { return List.copyOf(Bpffs.list(pinRoot.resolve("dispatchers"))); }

    /** Kills the agent and unpins whatever it left (a test that failed midway). */
    @Override
    public void close() {
        kill();
        Bpffs.removeTree(pinRoot);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The agent's metrics in Prometheus' text format (GET /metrics on its metrics port). */
    public String scrapeMetrics() {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of the one sample of name in metrics text whose labels contain every string of labels. */
    public static double sample(String text, String name, String... labels) {
        List<String> lines = text.lines().filter(l -> l.startsWith(name + "{") && Arrays.stream(labels).allMatch(l::contains))
                .toList();
        assertThat(lines).as(name + " " + String.join(" ", labels) + " in\n" + text).hasSize(1);
        String line = lines.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
