package dev.syrup.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Datagrams from the node to a pod's UDP server, one at a time: the example server's worker that got
 * each one answers "worker N", so the counts per worker are the pod's own view of the steering.
 */
final class UdpProbe {
    private static final int WORKERS = 4;
    private static final int SOURCE_PORTS = 8;

    private UdpProbe() {}

    /** Sends n datagrams from 8 source ports to ip:port and counts the answers per worker; fails on a lost one. */
    static long[] counts(String ip, int port, int n) {
        long[] counts = new long[WORKERS];
        DatagramSocket[] sockets = new DatagramSocket[SOURCE_PORTS];
        try {
            for (int i = 0; i < SOURCE_PORTS; i++) {
                sockets[i] = new DatagramSocket(new InetSocketAddress(0));
                // Generous: a loaded 2-core node may not run the server's worker for a while; a datagram
                // not answered in this time is lost.
                sockets[i].setSoTimeout(10_000);
            }
            InetSocketAddress to = new InetSocketAddress(ip, port);
            byte[] buf = new byte[64];
            for (int i = 0; i < n; i++) {
                DatagramSocket s = sockets[i % SOURCE_PORTS];
                byte[] hi = ("hi " + i).getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(hi, hi.length, to));
                DatagramPacket reply = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(reply);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("no answer to datagram " + i + " of " + n + " from " + ip + ":" + port);
                }
                String text = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII).strip();
                if (!text.startsWith("worker ")) {
                    throw new AssertionError("unexpected answer from " + ip + ":" + port + ": " + text);
                }
                counts[Integer.parseInt(text.substring("worker ".length()))]++;
            }
            return counts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (DatagramSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
