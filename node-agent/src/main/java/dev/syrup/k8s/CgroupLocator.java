package dev.syrup.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a pod's cgroup v2 directory and its processes. The v2 hierarchy is found in
 * /proc/self/mountinfo (at /sys/fs/cgroup on a pure v2 node, /sys/fs/cgroup/unified on a hybrid one,
 * or wherever the agent's pod mounts the host's); a pod's directory is the one named after its UID
 * (kubelet's systemd or cgroupfs layout), searched from the kubepods directories.
 */
public final class CgroupLocator {
    /** Deep enough for kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice below a prefix. */
    private static final int MAX_DEPTH = 6;

    private final Path root;
    private final Map<String, Path> known = new ConcurrentHashMap<>();

    public CgroupLocator(Path root) { this.root = root; }

    /** The locator of this host's cgroup v2 hierarchy. */
    public static CgroupLocator ofHost() { return new CgroupLocator(v2Mount(Path.of("/proc/self/mountinfo"))); }

    public Path root() { return root; }

    /**
     * The cgroup2 mount point in a mountinfo file. A mount of the whole hierarchy (root "/") wins over
     * one of a sub-tree, as a container with its own cgroup namespace sees.
     */
    public static Path v2Mount(Path mountinfo) {
        List<String> lines;
        try {
            lines = Files.readAllLines(mountinfo);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + mountinfo, e);
        }
        Path any = null;
        for (String line : lines) {
            // id parent major:minor root mount-point options [optional...] - fstype source super-options
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (dash < 0 || dash + 1 >= f.length || !f[dash + 1].equals("cgroup2")) {
                continue;
            }
            Path mountPoint = Path.of(unescape(f[4]));
            if (f[3].equals("/")) {
                return mountPoint;
            }
            if (any == null) {
                any = mountPoint;
            }
        }
        if (any == null) {
            throw new IllegalStateException("no cgroup2 hierarchy is mounted (see " + mountinfo + ")");
        }
        return any;
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    /** The pod's cgroup directory, if the pod has one on this node. */
    public Optional<Path> podDir(String podUid) {
        String uid = PodIdentity.normalize(podUid);
        Path cached = known.get(uid);
        if (cached != null && Files.isDirectory(cached)) {
            return Optional.of(cached);
        }
        known.remove(uid);
        Optional<Path> found = search(uid);
        found.ifPresent(p -> known.put(uid, p));
        return found;
    }

    /** Breadth first from the root, into kubepods directories (and any directory near the root). */
    private Optional<Path> search(String uid) {
        Deque<Path> queue = new ArrayDeque<>();
        queue.add(root);
        while (!queue.isEmpty()) {
            Path dir = queue.poll();
            int depth = root.relativize(dir).getNameCount();
            for (Path child : subdirs(dir)) {
                String name = child.getFileName().toString();
                if (name.contains("pod") && uid.equals(PodIdentity.podUidOf("/kubepods/" + name))) {
                    return Optional.of(child);
                }
                if (depth < MAX_DEPTH && (name.contains("kubepods") || depth < 2 && !name.contains("pod"))) {
                    queue.add(child);
                }
            }
        }
        return Optional.empty();
    }

    /** The processes of a cgroup and of every cgroup below it. */
    public static List<Integer> processes(Path dir) {
        List<Integer> pids = new ArrayList<>();
        Deque<Path> queue = new ArrayDeque<>(List.of(dir));
        while (!queue.isEmpty()) {
            Path d = queue.poll();
            try {
                for (String line : Files.readAllLines(d.resolve("cgroup.procs"))) {
                    if (!line.isBlank()) {
                        pids.add(Integer.parseInt(line.strip()));
                    }
                }
            } catch (IOException e) {
                continue; // removed meanwhile
            }
            queue.addAll(subdirs(d));
        }
        return pids;
    }

    /** The path of dir as processes inside it see it in /proc/PID/cgroup ("/kubepods.slice/..."). */
    public String cgroupPath(Path dir) { return "/" + root.relativize(dir); }

    private static List<Path> subdirs(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, Files::isDirectory)) {
            s.forEach(out::add);
        } catch (IOException e) {
            // gone, or not a directory we can read
        }
        return out;
    }
}
