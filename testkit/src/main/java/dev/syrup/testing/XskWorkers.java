package dev.syrup.testing;

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
