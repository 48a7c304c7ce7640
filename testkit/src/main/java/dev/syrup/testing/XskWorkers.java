package dev.syrup.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A running {@code xsk_workers}: the AF_XDP application with N workers, one AF_XDP socket each
 * (socket i = the i-th lowest fd = executor i), all bound to queue 0 of one interface with a
 * shared UMEM, in copy mode. See native/testapps/xsk_workers.c.
 */
public final class XskWorkers implements AutoCloseable {
    private final UdpWorkers control;

    private XskWorkers(UdpWorkers control) { this.control = control; }

    /** Starts {@code sockets} workers on queue 0 of {@code iface} inside {@code ns}. */
    public static XskWorkers start(NetNs ns, String iface, int sockets) {
        return start(ns, iface, 0, sockets);
    }

    /** Starts {@code sockets} workers on queue {@code queue} of {@code iface} inside {@code ns}. */
    public static XskWorkers start(NetNs ns, String iface, int queue, int sockets) {
        List<String> argv = List.of(TestApps.binary(TestApps.XSK_WORKERS).toString(), "--interface", iface,
                "--queue", Integer.toString(queue), "--sockets", Integer.toString(sockets));
        return new XskWorkers(UdpWorkers.launch(argv, ns, "xsk_workers on " + iface + " queue " + queue + " in " + ns,
                sockets));
    }

    /**
     * Starts {@code sockets} workers on queue 0 of {@code iface} inside {@code ns} that hand their
     * sockets to deployment id themselves (libsyrup's sy_register_xsk, syrupd at syrupSocket) before
     * they say they are ready; fails if syrupd refuses.
     */
    public static XskWorkers startRegistering(NetNs ns, String iface, int sockets, String id, Path syrupSocket) {
        return new XskWorkers(UdpWorkers.launch(registeringArgv(iface, sockets, id, syrupSocket), ns,
                "xsk_workers on " + iface + " in " + ns + " registering with " + id, sockets));
    }

    /**
     * Starts {@code sockets} workers on queue 0 of {@code iface} inside {@code ns} that register with
     * syrupd at syrupSocket when told ({@link #register}), run through prefix (e.g. setpriv to run as
     * another user; empty: none).
     */
    public static XskWorkers startWith(NetNs ns, List<String> prefix, String iface, int sockets, Path syrupSocket) {
        List<String> argv = new java.util.ArrayList<>(prefix);
        argv.addAll(List.of(TestApps.binary(TestApps.XSK_WORKERS).toString(), "--interface", iface,
                "--sockets", Integer.toString(sockets), "--syrup-socket", syrupSocket.toString()));
        return new XskWorkers(UdpWorkers.launch(argv, ns, "xsk_workers on " + iface + " in " + ns
                + (prefix.isEmpty() ? "" : " through " + prefix), sockets));
    }

    /** The command line of xsk_workers registering its sockets with deployment id at start. */
    public static List<String> registeringArgv(String iface, int sockets, String id, Path syrupSocket) {
        return List.of(TestApps.binary(TestApps.XSK_WORKERS).toString(), "--interface", iface,
                "--sockets", Integer.toString(sockets), "--register", id, "--syrup-socket", syrupSocket.toString());
    }

    /**
     * Hands the first k sockets to deployment id (syrupd at $SYRUP_SOCKET or the one given at start):
     * "REGISTERED k", or "REFUSED kind: message".
     */
    public String register(String id, int k) { return control.command("REGISTER " + id + " " + k); }

    /** The server's pid (also its pid on the host). */
    public long pid() { return control.pid(); }

    /** The AF_XDP sockets' fds in the server process, ascending. */
    public int[] fds() { return control.fds(); }

    /** Packets received so far, per worker. */
    public long[] counts() { return control.counts(); }

    /** Polls counts until at least expectedTotal packets arrived or the timeout passes; returns the last counts. */
    public long[] awaitTotal(long expectedTotal, Duration timeout) { return control.awaitTotal(expectedTotal, timeout); }

    /** For one worker, how many UDP packets started with each payload byte value (only values seen). */
    public Map<Integer, Long> histogram(int worker) { return control.histogram(worker); }

    public boolean isAlive() { return control.isAlive(); }

    @Override
    public void close() { control.close(); }
}
