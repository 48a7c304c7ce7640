package dev.syrup.examples.kvserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The workers' sockets: one SO_REUSEPORT UDP socket each, all bound to the same address. The
 * socket-select hook numbers a process's sockets by descriptor, so worker i gets the socket with
 * the i-th lowest descriptor and a policy's executor i is worker i. Sockets are opened in order,
 * which normally hands out ascending descriptors; each socket's descriptor is read from /proc
 * rather than assumed, in case a lower one was freed in between.
 */
final class WorkerSockets {
    private static final Path PROC_SELF = Path.of("/proc/self");

    private WorkerSockets() {}

    /** Opens and binds n sockets on address, each with the given receive buffer (0: the default), in executor order. */
    static List<DatagramChannel> open(InetSocketAddress address, int n, int rcvbuf) throws IOException {
        record Opened(int fd, DatagramChannel channel) {}
        StandardProtocolFamily family = address.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        List<Opened> opened = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Map<Integer, Long> before = socketFds();
                DatagramChannel ch = DatagramChannel.open(family);
                opened.add(new Opened(-1, ch));
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                if (rcvbuf > 0) {
                    ch.setOption(StandardSocketOptions.SO_RCVBUF, rcvbuf);
                }
                ch.bind(address);
                int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
                opened.set(i, new Opened(newSocketFd(before, port), ch));
            }
        } catch (IOException | RuntimeException e) {
            for (Opened o : opened) {
                try {
                    o.channel().close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        opened.sort(Comparator.comparingInt(Opened::fd));
        return opened.stream().map(Opened::channel).toList();
    }

    /** The descriptor of the one socket bound to port that is not in before. */
    private static int newSocketFd(Map<Integer, Long> before, int port) throws IOException {
        Set<Long> bound = boundInodes(port);
        List<Integer> fresh = new ArrayList<>();
        socketFds().forEach((fd, inode) -> {
            if (!inode.equals(before.get(fd)) && bound.contains(inode)) {
                fresh.add(fd);
            }
        });
        if (fresh.size() != 1) {
            throw new IllegalStateException("cannot tell which descriptor the new socket on port " + port
                    + " has (candidates " + fresh + ")");
        }
        return fresh.get(0);
    }

    /** Descriptor -> socket inode for every socket this process holds. */
    private static Map<Integer, Long> socketFds() throws IOException {
        Map<Integer, Long> out = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC_SELF.resolve("fd"))) {
            for (Path p : dir) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    continue; // closed meanwhile, e.g. the directory stream's own descriptor
                }
                if (target.startsWith("socket:[")) {
                    out.put(Integer.parseInt(p.getFileName().toString()),
                            Long.parseLong(target.substring(8, target.length() - 1)));
                }
            }
        }
        return out;
    }

    /** Inodes of the UDP sockets bound to port in this process's network namespace. */
    private static Set<Long> boundInodes(int port) {
        Set<Long> inodes = new HashSet<>();
        for (String table : List.of("udp", "udp6")) {
            Path file = PROC_SELF.resolve("net").resolve(table);
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                if (Files.exists(file)) {
                    throw new UncheckedIOException(e);
                }
                continue; // no IPv6
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                String[] f = line.trim().split("\\s+");
                if (f.length >= 10 && Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16) == port) {
                    inodes.add(Long.parseLong(f[9]));
                }
            }
        }
        return inodes;
    }
}
