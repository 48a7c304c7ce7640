package dev.syrup.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A running {@code udp_workers}: the application with N SO_REUSEPORT UDP sockets (socket i = the
 * i-th lowest fd = executor i), driven over its stdin. See native/testapps/udp_workers.c.
 */
public final class UdpWorkers implements AutoCloseable {
    /**
     * Receive buffer per socket unless a test asks otherwise. With the kernel default (about 280
     * small datagrams) a receiving thread that waits a few milliseconds for a CPU on a busy machine
     * drops part of a burst, and tests count datagrams exactly.
     */
    public static final int DEFAULT_RCVBUF = 4 << 20;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(2);

    private final Process process;
    private final LineQueue stdout;
    private final StreamDrain stderr;
    private final OutputStream stdin;
    private final String what;
    private long pid;
    private int[] fds;
    private boolean closed;

    private UdpWorkers(Process process, String what) {
        this.process = process;
        this.what = what;
        this.stdout = new LineQueue(process.getInputStream(), "stdout of " + what);
        this.stderr = new StreamDrain(process.getErrorStream(), "stderr of " + what);
        this.stdin = process.getOutputStream();
    }

    /** Starts {@code sockets} workers on {@code addr:port} inside {@code ns} (the host if null), without replies. */
    public static UdpWorkers start(NetNs ns, String addr, int port, int sockets) {
        return on(addr, port).in(ns).sockets(sockets).start();
    }

    /**
     * Starts {@code sockets} workers on {@code addr:port} inside {@code ns} (the host if null). With
     * {@code reply}, each datagram is answered with the serving socket's index (one byte).
     */
    public static UdpWorkers start(NetNs ns, String addr, int port, int sockets, boolean reply) {
        Builder b = on(addr, port).in(ns).sockets(sockets);
        return reply ? b.reply().start() : b.start();
    }

    /** Workers on {@code addr:port}: 4 sockets on the host, no replies, {@link #DEFAULT_RCVBUF} buffers. */
    public static Builder on(String addr, int port) {
        return new Builder(addr, port);
    }

    public static final class Builder {
        private final String addr;
        private final int port;
        private NetNs ns;
        private int sockets = 4;
        private boolean reply;
        private boolean tcp;
        private int rcvbuf = DEFAULT_RCVBUF;
        private Integer uid;
        private java.nio.file.Path cgroup;

        private Builder(String addr, int port) {
            this.addr = addr;
            this.port = port;
        }

        /** Run inside {@code ns} (the host if null). */
        public Builder in(NetNs ns) { this.ns = ns; return this; }

        public Builder sockets(int n) { this.sockets = n; return this; }

        /** Answer each datagram with the serving socket's index (one byte). */
        public Builder reply() { this.reply = true; return this; }

        /** Listen on TCP instead: each accepted connection counts once (TCP is steered per connection). */
        public Builder tcp() { this.tcp = true; return this; }

        /** Receive buffer per socket in bytes; 0 keeps the kernel default (net.core.rmem_default). */
        public Builder rcvbuf(int bytes) { this.rcvbuf = bytes; return this; }

        /** Run as uid (and its gid, no supplementary groups) instead of this process's. */
        public Builder asUid(int uid) { this.uid = uid; return this; }

        /** Run in the cgroup v2 at directory dir from its start (before it binds). */
        public Builder inCgroup(java.nio.file.Path dir) { this.cgroup = dir; return this; }

        /** Starts the server and waits until all its sockets are bound. */
        public UdpWorkers start() {
            List<String> argv = new ArrayList<>(List.of(TestApps.binary(TestApps.UDP_WORKERS).toString(),
                    "--port", Integer.toString(port), "--sockets", Integer.toString(sockets), "--addr", addr));
            if (reply) {
                argv.add("--reply");
            }
            if (tcp) {
                argv.add("--tcp");
            }
            if (rcvbuf > 0) {
                argv.addAll(List.of("--rcvbuf", Integer.toString(rcvbuf)));
            }
            if (uid != null) {
                argv.addAll(0, List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
            }
            String what = "udp_workers on " + addr + ":" + port + (ns == null ? "" : " in " + ns)
                    + (uid == null ? "" : " as uid " + uid) + (cgroup == null ? "" : " in cgroup " + cgroup);
            return launch(argv, ns, cgroup, what, sockets);
        }
    }

    /**
     * Starts a server that speaks udp_workers' protocol on stdin and stdout (READY, COUNTS, HIST,
     * RESET, QUIT; xsk_workers all but RESET) and waits until its sockets are ready.
     */
    static UdpWorkers launch(List<String> argv, NetNs ns, String what, int sockets) {
        return launch(argv, ns, null, what, sockets);
    }

    /** As launch, the server started in the cgroup v2 at directory cgroup (null: this process's). */
    static UdpWorkers launch(List<String> argv, NetNs ns, java.nio.file.Path cgroup, String what, int sockets) {
        Process p;
        try {
            ProcessBuilder pb = NetNs.commandIn(ns, argv);
            if (cgroup != null) {
                // Outside the namespace's command: `ip netns exec` mounts a sysfs of its own, without the cgroups.
                List<String> cmd = new ArrayList<>(List.of("sh", "-c", "echo $$ > \"$0\"/cgroup.procs && exec \"$@\"",
                        cgroup.toString()));
                cmd.addAll(pb.command());
                pb.command(cmd);
            }
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + what, e);
        }
        UdpWorkers w = new UdpWorkers(p, what);
        try {
            w.awaitReady(sockets);
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    private void awaitReady(int sockets) {
        String line = nextLine(READY_TIMEOUT, "READY");
        // READY pid=<pid> fds=<fd0>,<fd1>,...
        String[] parts = line.split(" ");
        if (parts.length != 3 || !parts[0].equals("READY") || !parts[1].startsWith("pid=") || !parts[2].startsWith("fds=")) {
            throw failure("unexpected first line '" + line + "'");
        }
        pid = Long.parseLong(parts[1].substring(4));
        fds = Arrays.stream(parts[2].substring(4).split(",")).mapToInt(Integer::parseInt).toArray();
        if (fds.length != sockets) {
            throw failure("asked for " + sockets + " sockets, got fds " + Arrays.toString(fds));
        }
    }

    /** The server's pid (also its pid on the host: the namespace is a network namespace only). */
    public long pid() { return pid; }

    /** The sockets' fds in the server process, ascending: fds()[i] is socket (executor) i. */
    public int[] fds() { return fds.clone(); }

    public int sockets() { return fds.length; }

    public boolean isAlive() { return process.isAlive(); }

    /** Datagrams received so far, per socket. */
    public long[] counts() {
        String[] parts = command("COUNTS").split(" ");
        if (!parts[0].equals("COUNTS") || parts.length != fds.length + 1) {
            throw failure("bad COUNTS reply '" + String.join(" ", parts) + "'");
        }
        return Arrays.stream(parts, 1, parts.length).mapToLong(Long::parseLong).toArray();
    }

    /** Datagrams received so far on all sockets. */
    public long total() {
        return Arrays.stream(counts()).sum();
    }

    /**
     * Polls {@link #counts()} until at least {@code expectedTotal} datagrams have been received (they
     * may still sit in socket queues when the sender returns) or the timeout passes, and returns the
     * last counts either way: the caller asserts on them.
     */
    public long[] awaitTotal(long expectedTotal, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        for (;;) {
            long[] c = counts();
            if (Arrays.stream(c).sum() >= expectedTotal || Instant.now().isAfter(deadline)) {
                return c;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return c;
            }
        }
    }

    /** For one socket, how many datagrams started with each byte value (only values seen). */
    public Map<Integer, Long> histogram(int socket) {
        if (socket < 0 || socket >= fds.length) {
            throw new IndexOutOfBoundsException("socket " + socket + " of " + fds.length);
        }
        String line = command("HIST " + socket);
        String[] parts = line.split(" ");
        if (parts.length < 2 || !parts[0].equals("HIST") || !parts[1].equals(Integer.toString(socket))) {
            throw failure("bad HIST reply '" + line + "'");
        }
        Map<Integer, Long> hist = new TreeMap<>();
        for (int i = 2; i < parts.length; i++) {
            String[] kv = parts[i].split("=");
            hist.put(Integer.parseInt(kv[0]), Long.parseLong(kv[1]));
        }
        return Collections.unmodifiableMap(hist);
    }

    /** Zeroes all counters and histograms. */
    public void reset() {
        String line = command("RESET");
        if (!line.equals("OK")) {
            throw failure("bad RESET reply '" + line + "'");
        }
    }

    /** Sends one command line and returns the one-line answer. */
    synchronized String command(String cmd) {
        if (closed) {
            throw new IllegalStateException(what + " is closed");
        }
        try {
            stdin.write((cmd + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw failure("cannot send " + cmd + " (" + e.getMessage() + ")");
        }
        String line = nextLine(REPLY_TIMEOUT, "the answer to " + cmd);
        if (line.startsWith("ERR")) {
            throw failure(cmd + ": " + line);
        }
        return line;
    }

    private String nextLine(Duration timeout, String waitingFor) {
        String line;
        try {
            line = stdout.next(timeout);
        } catch (IllegalStateException e) {
            throw failure("no " + waitingFor + " within " + timeout.toMillis() + " ms");
        }
        if (line == null) {
            waitQuietly(EXIT_WAIT);
            throw failure("exited" + (process.isAlive() ? "" : " with " + process.exitValue())
                    + " while waiting for " + waitingFor);
        }
        return line;
    }

    private IllegalStateException failure(String message) {
        if (!process.isAlive()) {
            try {
                stderr.awaitEnd(EXIT_WAIT); // its last words may still be in the pipe
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new IllegalStateException(what + ": " + message + Exec.describe("stderr", stderr.text()));
    }

    private boolean waitQuietly(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Asks the server to quit; SIGTERM, then SIGKILL, if it does not within a moment. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stdin.write("QUIT\n".getBytes(StandardCharsets.UTF_8));
            stdin.close();
        } catch (IOException e) {
            // Already gone.
        }
        if (!waitQuietly(EXIT_WAIT)) {
            process.destroy();
            if (!waitQuietly(EXIT_WAIT)) {
                process.destroyForcibly();
                waitQuietly(EXIT_WAIT);
            }
        }
    }

    @Override
    public String toString() { return what; }
}
