package dev.syrup.k8s;

import dev.syrup.bpf.Fd;
import dev.syrup.error.DomainException;
import dev.syrup.hook.AfXdpSockets;
import dev.syrup.hook.TargetUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The process of a pod whose AF_XDP sockets an xdp-socket hook hands packets to: the pod's first
 * process (lowest pid) in the pod's network namespace that holds any. As on the command line, the
 * sockets of that one process are the executors, in order of descriptor number.
 */
final class PodAfXdpSockets {
    /** The process and the inodes of its AF_XDP sockets in executor order (they change when it reopens them). */
    record Holder(int pid, List<Long> inodes) {}

    private PodAfXdpSockets() {}

    /**
     * @throws TargetUnavailableException while no process of the pod holds an AF_XDP socket (the
     *                                    application is still starting), or the one that does holds more
     *                                    than a deployment takes: the pod is Pending
     */
    static Holder find(PodResolver.ResolvedPod pod) {
        for (int pid : pod.pids().stream().sorted().toList()) {
            List<Fd> sockets;
            try {
                sockets = AfXdpSockets.take(pod.netns(), pid);
            } catch (TargetUnavailableException e) {
                continue; // no AF_XDP socket, another namespace, or gone
            } catch (DomainException e) {
                // More sockets than a deployment takes: the pod waits (with that message) until it holds fewer.
                throw new TargetUnavailableException(e.getMessage(), e);
            }
            try {
                List<Long> inodes = new ArrayList<>();
                for (Fd s : sockets) {
                    inodes.add(inode(s));
                }
                return new Holder(pid, inodes);
            } finally {
                sockets.forEach(Fd::close);
            }
        }
        throw new TargetUnavailableException("waiting for a process of the pod to open AF_XDP sockets ("
                + pod.pids().size() + " process(es), none holds one)");
    }

    private static long inode(Fd socket) {
        try {
            return (Long) Files.getAttribute(Path.of("/proc/self/fd/" + socket.get()), "unix:ino");
        } catch (IOException e) {
            throw new TargetUnavailableException("reading the inode of an AF_XDP socket: " + e.getMessage(), e);
        }
    }
}
