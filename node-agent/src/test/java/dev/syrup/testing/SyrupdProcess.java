package dev.syrup.testing;

import dev.syrup.bpf.Bpffs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A real syrupd (the `syrup daemon` command) in a process of its own, with private socket, pins,
 * state and cache, so a test can kill it (SIGKILL) and start it again over the same state.
 */
public final class SyrupdProcess implements AutoCloseable {
    private static final Path CACHE = tempDir("syrup-e2e-cache");

    public final Path dir = tempDir("syrup-e2e");
    public final Path socket = dir.resolve("syrupd.sock");
    public final Path pinRoot = Path.of("/sys/fs/bpf/syrup-e2e-" + UUID.randomUUID().toString().substring(0, 8));
    public final Path log = dir.resolve("syrupd.log");
    private final List<String> jvmOptions;
    private Process process;

    public SyrupdProcess() {
        this(List.of());
    }

    /** A syrupd whose JVM gets jvmOptions, e.g. -Dsyrup.compile.timeoutSeconds=20. */
    public SyrupdProcess(List<String> jvmOptions) {
        this.jvmOptions = List.copyOf(jvmOptions);
        // Other users' clients must reach the socket (syrupd decides what they may do).
        dir.toFile().setExecutable(true, false);
        dir.toFile().setReadable(true, false);
        start();
    }

    public void start() {
        try {
            Files.deleteIfExists(socket);
            List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.syrup.cli.Syrup", "daemon",
                    "--socket", socket.toString(), "--pin-root", pinRoot.toString(),
                    "--state-dir", dir.resolve("state").toString(), "--cache-dir", CACHE.toString()));
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The socket file appears at bind(), before listen(): wait until a connection is accepted.
        Instant deadline = Instant.now().plusSeconds(30);
        while (!accepts(socket)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("syrupd did not start:\n" + log());
            }
            sleep(20);
        }
    }

    private static boolean accepts(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The running syrupd's process id. */
    public long pid() { return process.pid(); }

    /** kill stops syrupd the hard way, as a crash would. */
    public void kill() { kill(process); }

    public String log() { return readLog(log); }

    /** Kills p the hard way and waits until it is gone. */
    public static void kill(Process p) {
        p.destroyForcibly();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A process's log file as text: empty while it does not exist, the error if it cannot be read. */
    public static String readLog(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        kill();
        Bpffs.removeTree(pinRoot);
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
