package dev.syrup.deploy;

import dev.syrup.hook.ReuseportSockets;
import dev.syrup.hook.thread.Cgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whose sockets a socket-select deployment may take when the application binds new ones: those of
 * processes with the uid and the cgroup v2 of the processes whose sockets it was deployed on, or,
 * for a pod, of any process in the pod's cgroup or below it (a container restarted in its pod gets
 * a new cgroup under the pod's). A socket another user or another cgroup binds to the same port is
 * never taken.
 *
 * @param uids      the owning processes' uids; empty: any uid (a pod's processes)
 * @param cgroups   their cgroup v2 paths; empty: any cgroup (the deployment was adopted while the
 *                  application was down, and only its owner's uid is known)
 * @param subtrees  whether a cgroup below one of cgroups is in the scope too
 */
public record SocketScope(Set<Integer> uids, Set<String> cgroups, boolean subtrees) {
    public SocketScope {
        uids = Set.copyOf(uids);
        cgroups = Set.copyOf(cgroups);
        if (uids.isEmpty() && cgroups.isEmpty()) {
            throw new IllegalArgumentException("a socket scope names a uid or a cgroup");
        }
    }

    /** of: the scope of the processes holding owners now; empty if none could be read. */
    public static Optional<SocketScope> of(List<ReuseportSockets.Owner> owners) {
        Set<Integer> uids = new HashSet<>();
        Set<String> cgroups = new HashSet<>();
        for (ReuseportSockets.Owner o : owners) {
            Optional<Process> p = process(o.pid());
            p.ifPresent(q -> {
                uids.add(q.uid());
                cgroups.add(q.cgroup());
            });
        }
        return uids.isEmpty() ? Optional.empty() : Optional.of(new SocketScope(uids, cgroups, false));
    }

    /** ofUid: any process of uid, in any cgroup. */
    public static SocketScope ofUid(int uid) { return new SocketScope(Set.of(uid), Set.of(), false); }

    /** ofPod: any process in the pod's cgroup (as /proc/PID/cgroup shows it) or below it, of any uid. */
    public static SocketScope ofPod(String podCgroup) {
        String c = podCgroup.length() > 1 && podCgroup.endsWith("/") ? podCgroup.substring(0, podCgroup.length() - 1) : podCgroup;
        if (!c.startsWith("/") || c.equals("/")) {
            throw new IllegalArgumentException("a pod's cgroup is an absolute path below the root: " + podCgroup);
        }
        return new SocketScope(Set.of(), Set.of(c), true);
    }

    /** Whether the socket owner holds is in this scope (false if its process is gone). */
    public boolean admits(ReuseportSockets.Owner owner) {
        return process(owner.pid()).filter(p -> admitsUid(p.uid()) && admitsCgroup(p.cgroup())).isPresent();
    }

    private boolean admitsUid(int uid) { return uids.isEmpty() || uids.contains(uid); }

    boolean admitsCgroup(String cgroup) {
        if (cgroups.isEmpty() || cgroups.contains(cgroup)) {
            return true;
        }
        return subtrees && cgroups.stream().anyMatch(c -> cgroup.startsWith(c + "/"));
    }

    private record Process(int uid, String cgroup) {}

    private static Optional<Process> process(int pid) {
        try {
            int uid = (int) Files.getAttribute(Path.of("/proc/" + pid), "unix:uid");
            return Cgroups.pathOf(pid).map(cgroup -> new Process(uid, cgroup));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
