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
 * processes with the uid and the cgroup v2 of the processes whose sockets it was deployed on. A
 * socket another user or another cgroup binds to the same port is never taken.
 *
 * @param uids    the owning processes' uids
 * @param cgroups their cgroup v2 paths; empty: any cgroup (the deployment was adopted while the
 *                application was down, and only its owner's uid is known)
 */
public record SocketScope(Set<Integer> uids, Set<String> cgroups) {
    public SocketScope {
        uids = Set.copyOf(uids);
        cgroups = Set.copyOf(cgroups);
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
        return uids.isEmpty() ? Optional.empty() : Optional.of(new SocketScope(uids, cgroups));
    }

    /** ofUid: any process of uid, in any cgroup. */
    public static SocketScope ofUid(int uid) { return new SocketScope(Set.of(uid), Set.of()); }

    /** Whether the socket owner holds is in this scope (false if its process is gone). */
    public boolean admits(ReuseportSockets.Owner owner) {
        return process(owner.pid())
                .filter(p -> uids.contains(p.uid()) && (cgroups.isEmpty() || cgroups.contains(p.cgroup())))
                .isPresent();
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
