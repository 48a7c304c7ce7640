package dev.syrup.hook;

import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Sockets;
import dev.syrup.error.DomainException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Takes an application's AF_XDP sockets from outside it: every socket descriptor of the process
 * (/proc/PID/fd, "socket:[inode]") is duplicated into this process with pidfd_getfd and kept if
 * its family (SO_DOMAIN) is AF_XDP. The application needs no change.
 */
public final class AfXdpSockets {
    private static final Path PROC = Path.of("/proc");

    private AfXdpSockets() {}

    /**
     * take duplicates the AF_XDP sockets of pid into this process, in order of descriptor number;
     * the process must live in netns (its sockets are bound to interfaces there).
     */
    public static List<Fd> take(NetnsRef netns, int pid) {
        Path proc = PROC.resolve(Integer.toString(pid));
        try {
            if ((long) Files.getAttribute(proc.resolve("ns/net"), "unix:ino") != netns.inode()) {
                throw new TargetUnavailableException("process " + pid + " is not in network namespace " + netns
                        + ": its AF_XDP sockets cannot be bound to an interface there");
            }
            List<Fd> out = new ArrayList<>();
            try {
                for (int fd : socketFds(proc)) {
                    Fd sock;
                    try {
                        sock = Sockets.take(pid, fd);
                    } catch (RuntimeException e) {
                        continue; // closed since we listed it
                    }
                    if (Sockets.domain(sock) == Sockets.AF_XDP) {
                        out.add(sock);
                    } else {
                        sock.close();
                    }
                }
            } catch (RuntimeException e) {
                out.forEach(Fd::close);
                throw e;
            }
            if (out.isEmpty()) {
                throw new TargetUnavailableException("process " + pid + " holds no AF_XDP socket");
            }
            if (out.size() > HookConfig.MAX_EXECUTORS) {
                out.forEach(Fd::close);
                throw DomainException.invalid("process " + pid + " holds " + out.size() + " AF_XDP sockets; at most "
                        + HookConfig.MAX_EXECUTORS + " are supported");
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new TargetUnavailableException("process " + pid + " does not exist", e);
        } catch (IOException e) {
            throw new TargetUnavailableException("cannot read the descriptors of process " + pid + ": " + e.getMessage(), e);
        }
    }

    /** The descriptor numbers of pid's sockets, ascending. */
    private static List<Integer> socketFds(Path proc) throws IOException {
        TreeMap<Integer, Path> fds = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path p : dir) {
                fds.put(Integer.parseInt(p.getFileName().toString()), p);
            }
        }
        List<Integer> out = new ArrayList<>();
        fds.forEach((fd, link) -> {
            try {
                if (Files.readSymbolicLink(link).toString().startsWith("socket:[")) {
                    out.add(fd);
                }
            } catch (IOException e) {
                // closed since we listed it
            }
        });
        return out;
    }
}
