package dev.syrup.hook;

import dev.syrup.error.DomainException;
import java.util.Objects;

/**
 * A cgroup v2: its path below the hierarchy's root ("/kubepods/pod1", as /proc/PID/cgroup shows
 * it), its id (the directory's inode number, what BPF sees as the cgroup id) and its depth (the
 * root is 0). The id is read once, so state keyed by it can be removed after the cgroup is gone.
 */
public record CgroupRef(String path, long id, int level) {
    public CgroupRef {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw DomainException.invalid("cgroup path " + path + " must start with /");
        }
    }

    @Override
    public String toString() { return path; }
}
