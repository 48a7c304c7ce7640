package dev.syrup.hook.thread;

import dev.syrup.error.DomainException;
import dev.syrup.hook.CgroupRef;
import dev.syrup.hook.TargetUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The cgroup v2 hierarchy: where it is mounted (/sys/fs/cgroup on a pure v2 host,
 * /sys/fs/cgroup/unified on a hybrid one) and the cgroup of a process or thread.
 */
public final class Cgroups {
    private static volatile Path mount;

    private Cgroups() {}

    /** The mount point of the cgroup v2 hierarchy. */
    public static Path v2Mount() {
        Path m = mount;
        if (m == null) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                    String[] f = line.split(" ");
                    if (f.length > 2 && f[2].equals("cgroup2")) {
                        m = Path.of(f[1].replace("\\040", " "));
                        break;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading /proc/self/mounts", e);
            }
            if (m == null) {
                throw new TargetUnavailableException("no cgroup v2 hierarchy is mounted: the thread hook needs one");
            }
            mount = m;
        }
        return m;
    }

    /** The cgroup v2 path of process or thread id ("0::" line of /proc/ID/cgroup), empty if it is gone. */
    public static Optional<String> pathOf(int id) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + id + "/cgroup"))) {
                if (line.startsWith("0::")) {
                    String p = line.substring(3);
                    return Optional.of(p.endsWith(" (deleted)") ? p.substring(0, p.length() - 10) : p);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The cgroup of process pid. */
    public static CgroupRef ofPid(int pid) {
        String path = pathOf(pid).orElseThrow(() -> new TargetUnavailableException("process " + pid
                + " does not exist or is in no cgroup v2"));
        return of(path);
    }

    /**
     * of resolves a cgroup given as its path below the v2 root ("/app") or as a directory under the
     * v2 mount point ("/sys/fs/cgroup/unified/app").
     */
    public static CgroupRef of(String path) {
        Path root = v2Mount();
        Path p = Path.of(path).normalize();
        if (!p.isAbsolute()) {
            throw DomainException.invalid("cgroup " + path + " must be an absolute path");
        }
        Path dir = p.startsWith(root) ? p : root.resolve(root.getRoot().relativize(p));
        String rel = "/" + root.relativize(dir);
        rel = rel.equals("/") ? "/" : rel.replaceAll("/+$", "");
        try {
            long id = (long) Files.getAttribute(dir, "unix:ino");
            if (!Files.isRegularFile(dir.resolve("cgroup.procs"))) {
                throw new TargetUnavailableException(dir + " is not a cgroup v2 directory");
            }
            int level = rel.equals("/") ? 0 : (int) rel.chars().filter(c -> c == '/').count();
            return new CgroupRef(rel, id, level);
        } catch (NoSuchFileException e) {
            throw new TargetUnavailableException("cgroup " + path + " does not exist (no " + dir + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("reading cgroup " + dir, e);
        }
    }

    /** Whether thread tid is in cgroup (or below it) right now. */
    public static boolean contains(CgroupRef cgroup, int tid) {
        return pathOf(tid).map(p -> p.equals(cgroup.path()) || cgroup.path().equals("/")
                || p.startsWith(cgroup.path() + "/")).orElse(false);
    }
}
