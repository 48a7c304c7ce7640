package dev.syrup.hook;

import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Sockets;
import java.io.IOException;
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
 * Finds an application's SO_REUSEPORT sockets from outside it: the processes of a network
 * namespace, their socket descriptors, and the namespace's socket table (/proc/PID/net/udp,
 * tcp) for the port. The sockets are then duplicated into this process with pidfd_getfd, so the
 * application needs no change.
 */
public final class ReuseportSockets {
    private static final Path PROC = Path.of("/proc");
    private static final String TCP_LISTEN = "0A";

    private ReuseportSockets() {}

    /** A socket of the application: which process holds it under which descriptor. */
    public record Owner(int pid, int fd, long inode) {}

    /** find lists the owners of the sockets bound to port in netns, in executor order. */
    public static List<Owner> find(NetnsRef netns, Protocol protocol, int port) throws IOException {
        long netnsInode = netns.inode();
        List<Owner> owners = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        Set<Long> bound = null;
        for (int pid : pids()) {
            Path ns = PROC.resolve(pid + "/ns/net");
            try {
                if ((long) Files.getAttribute(ns, "unix:ino") != netnsInode) {
                    continue;
                }
                if (bound == null) {
                    bound = boundInodes(pid, protocol, port);
                }
                for (Map.Entry<Integer, Long> e : socketFds(pid).entrySet()) {
                    if (bound.contains(e.getValue()) && seen.add(e.getValue())) {
                        owners.add(new Owner(pid, e.getKey(), e.getValue()));
                    }
                }
            } catch (IOException | SecurityException e) {
                // The process exited or is not ours to inspect: it owns none of the sockets we can take.
            }
        }
        owners.sort(Comparator.comparingInt(Owner::pid).thenComparingInt(Owner::fd));
        return owners;
    }

    /** take duplicates each owner's socket into this process and checks it is what we expect. */
    public static List<Fd> take(List<Owner> owners, Protocol protocol, int port) {
        List<Fd> fds = new ArrayList<>();
        try {
            for (Owner o : owners) {
                Fd fd = Sockets.take(o.pid(), o.fd());
                fds.add(fd);
                Sockets.Info info = Sockets.info(fd);
                if (info.protocol() != protocol.number() || info.localPort() != port) {
                    throw new TargetUnavailableException("socket fd " + o.fd() + " of pid " + o.pid()
                            + " changed while being taken (now " + info + ")");
                }
                if (!info.reusePort()) {
                    throw new TargetUnavailableException("socket fd " + o.fd() + " of pid " + o.pid() + " on port " + port
                            + " does not have SO_REUSEPORT set; socket-select needs an SO_REUSEPORT group");
                }
            }
            return fds;
        } catch (RuntimeException e) {
            fds.forEach(Fd::close);
            throw e;
        }
    }

    private static List<Integer> pids() throws IOException {
        List<Integer> pids = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    pids.add(Integer.parseInt(name));
                }
            }
        }
        pids.sort(null);
        return pids;
    }

    /** Socket inodes bound to port (for TCP: listening) in pid's network namespace. */
    private static Set<Long> boundInodes(int pid, Protocol protocol, int port) throws IOException {
        Set<Long> inodes = new HashSet<>();
        String base = protocol == Protocol.UDP ? "udp" : "tcp";
        for (String table : List.of(base, base + "6")) {
            Path file = PROC.resolve(pid + "/net/" + table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (f.length < 10) {
                    continue;
                }
                int localPort = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                if (localPort != port || (protocol == Protocol.TCP && !f[3].equals(TCP_LISTEN))) {
                    continue;
                }
                inodes.add(Long.parseLong(f[9]));
            }
        }
        return inodes;
    }

    /** Descriptor number -> socket inode for every socket pid holds. */
    private static Map<Integer, Long> socketFds(int pid) throws IOException {
        Map<Integer, Long> out = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
            for (Path p : dir) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    continue;
                }
                if (target.startsWith("socket:[")) {
                    out.put(Integer.parseInt(p.getFileName().toString()),
                            Long.parseLong(target.substring(8, target.length() - 1)));
                }
            }
        }
        return out;
    }
}
