package dev.syrup.examples.kvserver;

import dev.syrup.deploy.Bpffs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** A real syrupd in a process of its own, with a private socket, pin root, state and cache. */
final class SyrupdFixture implements AutoCloseable {
    final Path socket;
    final Path pinRoot = Path.of("/sys/fs/bpf/syrup-kv-" + UUID.randomUUID().toString().substring(0, 8));
    private final Path log;
    private final Process process;

    SyrupdFixture() throws IOException {
        Path dir = Files.createTempDirectory("syrup-kv");
        socket = dir.resolve("syrupd.sock");
        log = dir.resolve("syrupd.log");
        List<String> cmd = List.of(Jvm.java(), "-cp", Jvm.classpath(), "dev.syrup.cli.Syrup", "daemon",
                "--socket", socket.toString(), "--pin-root", pinRoot.toString(),
                "--state-dir", dir.resolve("state").toString(), "--cache-dir", dir.resolve("cache").toString());
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Instant deadline = Instant.now().plusSeconds(30);
        while (!Files.exists(socket)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                close();
                throw new IllegalStateException("syrupd did not start:\n" + log());
            }
            Jvm.sleep(20);
        }
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Bpffs.removeTree(pinRoot);
    }
}
