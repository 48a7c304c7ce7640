package dev.syrup.hook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A network namespace: the path it was named by (/proc/PID/ns/net, /var/run/netns/NAME) and its
 * inode, which identifies it for as long as it lives. The inode is read once, so state keyed by it
 * can still be found and removed after the namespace is gone.
 */
public record NetnsRef(Path path, long inode) {
    public NetnsRef {
        Objects.requireNonNull(path, "path");
    }

    /** of resolves the namespace at path now. */
    public static NetnsRef of(Path path) {
        try {
            return new NetnsRef(path, (long) Files.getAttribute(path, "unix:ino"));
        } catch (IOException e) {
            throw new UncheckedIOException("network namespace " + path + " is not accessible", e);
        }
    }

    /**
     * A namespace known only by its inode (found in state pinned by an earlier run), named as the
     * kernel names it in /proc/PID/ns/net links.
     */
    public static NetnsRef ofInode(long inode) { return new NetnsRef(Path.of("net:[" + inode + "]"), inode); }

    /** The namespace this process runs in. */
    public static NetnsRef current() { return of(Path.of("/proc/self/ns/net")); }

    @Override
    public String toString() { return path.toString(); }
}
