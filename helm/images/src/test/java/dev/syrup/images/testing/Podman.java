package dev.syrup.images.testing;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * podman's Docker-compatible API service on a socket of its own, with storage, run and temporary directories of its
 * own (nothing of the machine's podman state is read or changed), set up for this machine kind: runc (crun refuses
 * hybrid cgroups), the cgroupfs manager, nofile/nproc limits within the hard limits. {@link #close} removes the
 * containers, stops the service and deletes everything it made.
 */
public final class Podman implements AutoCloseable {
    private final Path dir;
    private final String cgroupParent;
    private final Path socket;
    private final Process service;
    private final Path log;

    private Podman(Path dir, Process service) {
        this.dir = dir;
        this.cgroupParent = "/" + dir.getFileName();
        this.socket = dir.resolve("podman.sock");
        this.service = service;
        this.log = dir.resolve("service.log");
    }

    /** Starts the service and waits until it answers. */
    public static Podman start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("syrup-podman-");
            Files.createDirectories(dir.resolve("tmp"));
            Files.writeString(dir.resolve("containers.conf"), """
                    [containers]
                    default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

                    [engine]
                    runtime = "runc"
                    cgroup_manager = "cgroupfs"
                    events_logger = "file"
                    events_logfile_path = "%1$s/events.log"
                    tmp_dir = "%1$s/libpod"
                    image_copy_tmp_dir = "%1$s/tmp"

                    [network]
                    network_config_dir = "%1$s/networks"
                    """.formatted(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = command(dir, "system", "service", "--time=0", "unix://" + dir.resolve("podman.sock"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("service.log").toFile());
        environment(pb, dir);
        Podman podman;
        try {
            podman = new Podman(dir, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("podman could not be started (make test installs it)", e);
        }
        try {
            podman.awaitSocket(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            podman.close();
            throw e;
        }
        return podman;
    }

    /** The service's address, for DOCKER_HOST. */
    public String dockerHost() { return "unix://" + socket; }

    /**
     * The cgroup the containers (and their conmon) go below instead of podman's shared libpod_parent, so that
     * {@link #close} can remove it without touching anyone else's.
     */
    public String cgroupParent() { return cgroupParent; }

    /** Loads an image archive (podman load) into this service's storage. */
    public void load(Path archive) {
        run(Duration.ofMinutes(5), "load", "--quiet", "--input", archive.toString());
    }

    /** Runs the podman CLI against this service's storage; returns its output, fails on a non-zero exit. */
    public String run(Duration timeout, String... args) {
        ProcessBuilder pb = new ProcessBuilder(command(dir, args)).redirectErrorStream(true);
        environment(pb, dir);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("podman " + String.join(" ", args) + " did not finish within " + timeout);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("podman " + String.join(" ", args) + " failed (" + p.exitValue() + "):\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The mounts below this service's directories (overlay layers, its storage's private bind mount). */
    public List<String> mounts() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mountinfo"))) {
            return lines.map(l -> l.split(" ")[4]).filter(m -> m.startsWith(dir.toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try {
            run(Duration.ofMinutes(2), "rm", "--all", "--force", "--time", "5");
        } catch (RuntimeException e) {
            System.err.println("podman rm: " + e.getMessage());
        } finally {
            service.destroy();
            try {
                if (!service.waitFor(20, TimeUnit.SECONDS)) {
                    service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Unmounts the storage (overlay layers, its private bind mount) and deletes images and state.
            run(Duration.ofMinutes(2), "system", "reset", "--force");
            List<String> left = mounts();
            for (int i = left.size() - 1; i >= 0; i--) {
                unmount(left.get(i));
            }
            delete(dir);
            for (Path hierarchy : cgroupHierarchies()) {
                Path cgroup = hierarchy.resolve(cgroupParent.substring(1));
                if (Files.isDirectory(cgroup)) {
                    removeCgroup(cgroup);
                }
            }
        }
    }

    private void awaitSocket(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IllegalStateException("podman system service exited (" + service.exitValue() + "): " + read(log));
            }
            if (Files.exists(socket) && pings()) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("podman system service did not answer on " + socket + " within " + timeout + ": " + read(log));
    }

    /** Whether the Docker API answers GET /_ping with OK. */
    private boolean pings() {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: podman\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(4096);
            while (channel.read(answer) >= 0 && answer.hasRemaining()) {
                // HTTP/1.0: the service closes the connection after its answer
            }
            String text = new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
            return text.startsWith("HTTP/1.") && text.contains(" 200 ") && text.endsWith("OK");
        } catch (IOException notYet) {
            return false; // the socket exists before the API answers
        }
    }

    private static List<String> command(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman",
                "--root", dir.resolve("storage").toString(),
                "--runroot", dir.resolve("run").toString(),
                "--tmpdir", dir.resolve("libpod").toString(),
                "--runtime", "runc",
                "--cgroup-manager", "cgroupfs",
                "--events-backend", "file"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static void environment(ProcessBuilder pb, Path dir) {
        pb.environment().put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
        // No registries: every image is loaded from an archive.
        pb.environment().put("CONTAINERS_REGISTRIES_CONF", "/dev/null");
        pb.environment().put("TMPDIR", dir.resolve("tmp").toString());
    }

    /** Where cgroup hierarchies are mounted (v1 controllers and v2). */
    private static List<Path> cgroupHierarchies() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mountinfo"))) {
            return lines.map(l -> l.split(" - ")).filter(p -> p[1].startsWith("cgroup ") || p[1].startsWith("cgroup2 "))
                    .map(p -> Path.of(p[0].split(" ")[4])).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes an empty cgroup tree, children first (cgroup directories are removed with rmdir, not their files). */
    private static void removeCgroup(Path cgroup) {
        try (Stream<Path> dirs = Files.walk(cgroup)) {
            for (Path d : dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(d);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the test's cgroup " + cgroup, e);
        }
    }

    private static void unmount(String mountPoint) {
        try {
            new ProcessBuilder("umount", "--lazy", mountPoint).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
