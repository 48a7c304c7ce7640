package dev.syrup.k8s;

import dev.syrup.hook.NetnsRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * From a pod's UID to what a deployment for it needs: its cgroup, its processes and their network
 * namespace. A pod that has no cgroup or no process yet is not resolved (Pending).
 */
public final class PodResolver {
    private final CgroupLocator cgroups;

    public PodResolver(CgroupLocator cgroups) { this.cgroups = cgroups; }

    /**
     * A pod on this node as it runs now.
     *
     * @param cgroupPath the pod's cgroup as /proc/PID/cgroup shows it
     * @param netns      the network namespace of the pod's processes (the one most of them share)
     */
    public record ResolvedPod(String uid, Path cgroupDir, String cgroupPath, List<Integer> pids, NetnsRef netns) {}

    /** Why a pod cannot be resolved now: it has not started, or runs nothing yet. */
    public static final class NotRunningException extends RuntimeException {
        public NotRunningException(String message) { super(message); }
    }

    public ResolvedPod resolve(String podUid) {
        Path dir = cgroups.podDir(podUid).orElseThrow(() -> new NotRunningException(
                "no cgroup of pod " + podUid + " under " + cgroups.root() + " (not started on this node yet?)"));
        List<Integer> pids = CgroupLocator.processes(dir);
        Map<Long, Integer> count = new HashMap<>();
        Map<Long, Integer> firstPid = new HashMap<>();
        for (int pid : pids) {
            netnsInode(pid).ifPresent(ino -> {
                count.merge(ino, 1, Integer::sum);
                firstPid.merge(ino, pid, Math::min);
            });
        }
        if (count.isEmpty()) {
            throw new NotRunningException("pod " + podUid + " has no running process (cgroup " + dir + ")");
        }
        long inode = count.entrySet().stream()
                .max(Comparator.<Map.Entry<Long, Integer>>comparingInt(Map.Entry::getValue)
                        .thenComparing(e -> -firstPid.get(e.getKey())))
                .orElseThrow().getKey();
        NetnsRef netns = new NetnsRef(Path.of("/proc/" + firstPid.get(inode) + "/ns/net"), inode);
        return new ResolvedPod(PodIdentity.normalize(podUid), dir, cgroups.cgroupPath(dir), List.copyOf(pids), netns);
    }

    private static Optional<Long> netnsInode(int pid) {
        try {
            return Optional.of((Long) Files.getAttribute(Path.of("/proc/" + pid + "/ns/net"), "unix:ino"));
        } catch (IOException | SecurityException e) {
            return Optional.empty(); // exited meanwhile
        }
    }
}
