package dev.syrup.bench.load;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * The client's UDP sockets, each bound to its own ephemeral port (so requests come from many
 * flows, as seen by the kernel's reuseport hash), non-blocking and registered for reading with
 * one {@link Selector}.
 */
final class ClientSockets implements AutoCloseable {
    private final DatagramChannel[] channels;
    private final Selector selector;

    private ClientSockets(DatagramChannel[] channels, Selector selector) {
        this.channels = channels;
        this.selector = selector;
    }

    /** {@code count} sockets of the address family of {@code target}. */
    static ClientSockets open(int count, InetAddress target) throws IOException {
        StandardProtocolFamily family = target instanceof Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET;
        DatagramChannel[] channels = new DatagramChannel[count];
        Selector selector = Selector.open();
        ClientSockets sockets = new ClientSockets(channels, selector);
        try {
            for (int i = 0; i < count; i++) {
                channels[i] = DatagramChannel.open(family);
                channels[i].bind(null);
                channels[i].configureBlocking(false);
                channels[i].register(selector, SelectionKey.OP_READ);
            }
        } catch (IOException | RuntimeException e) {
            sockets.close();
            throw e;
        }
        return sockets;
    }

    DatagramChannel[] channels() { return channels; }

    Selector selector() { return selector; }

    @Override
    public void close() {
        for (DatagramChannel ch : channels) {
            closeQuietly(ch);
        }
        closeQuietly(selector);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing a socket we own: nothing useful to do
        }
    }
}
