package dev.syrup.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway network namespace (named {@code syrup-t-<random>}) with its loopback up. Closing it
 * kills whatever still runs inside and deletes it; namespaces a test forgets are closed when the
 * JVM exits.
 */
public final class NetNs implements AutoCloseable {
    public static final String PREFIX = "syrup-t-";
    private static final Path NETNS_DIR = Path.of("/var/run/netns");
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final Set<NetNs> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(NetNs::closeQuietly), "netns cleanup"));
    }

    private final String name;
    private boolean closed;

    private NetNs(String name) {
        this.name = name;
    }

    /** Creates a namespace with a fresh name and brings its {@code lo} up. */
    public static NetNs create() {
        String name = PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Exec.check("ip", "netns", "add", name);
        NetNs ns = new NetNs(name);
        OPEN.add(ns);
        try {
            Exec.check("ip", "-n", name, "link", "set", "lo", "up");
        } catch (RuntimeException e) {
            ns.closeQuietly(e);
            throw e;
        }
        return ns;
    }

    public String name() { return name; }

    /** The namespace's bind mount, for setns(2) or a tool's {@code netns} argument. */
    public Path path() { return NETNS_DIR.resolve(name); }

    /** A command that runs inside this namespace ({@code ip netns exec}, which execs in place: same pid). */
    public ProcessBuilder command(String... argv) {
        return command(Arrays.asList(argv));
    }

    public ProcessBuilder command(List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(argv);
        return new ProcessBuilder(cmd);
    }

    /** A command inside {@code ns}, or on the host when {@code ns} is null. */
    public static ProcessBuilder commandIn(NetNs ns, List<String> argv) {
        return ns == null ? new ProcessBuilder(argv) : ns.command(argv);
    }

    /** Runs a short command inside this namespace and returns its stdout; throws with its stderr if it fails. */
    public String run(String... argv) {
        return Exec.check(command(argv), Exec.SHORT);
    }

    /** Pids of the processes whose network namespace this is. */
    public List<Long> pids() {
        return Exec.check("ip", "netns", "pids", name).lines()
                .map(String::strip).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
    }

    /** Kills the processes still inside, then deletes the namespace. Tries both even if one fails. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            killAll();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            if (Files.exists(path())) {
                Exec.check("ip", "netns", "del", name);
            }
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        OPEN.remove(this);
        if (failure != null) {
            throw failure;
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("cannot clean up network namespace " + name + ": " + e.getMessage());
        }
    }

    private void closeQuietly(Exception cause) {
        try {
            close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** SIGKILLs everything inside, again until nothing is left (a process may fork while dying). */
    private void killAll() {
        if (!Files.exists(path())) {
            return;
        }
        Instant deadline = Instant.now().plus(KILL_WAIT);
        for (List<Long> pids = pids(); !pids.isEmpty(); pids = pids()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("processes " + pids + " survive in network namespace " + name);
            }
            List<ProcessHandle> handles = pids.stream().map(ProcessHandle::of).flatMap(Optional::stream).toList();
            handles.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : handles) {
                try {
                    h.onExit().get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while killing processes in " + name, e);
                } catch (Exception e) {
                    // Still alive or already gone: the next pids() round tells.
                }
            }
        }
    }

    @Override
    public String toString() { return name; }
}
