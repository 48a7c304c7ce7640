package dev.syrup.bpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** File operations on bpffs: removing a pin drops its reference on the program, map or link. */
public final class Bpffs {
    private Bpffs() {}

    /** isMounted tells whether a bpffs is mounted at or above dir. */
    public static boolean isMounted(Path dir) {
        try {
            Path p = dir;
            while (p != null && !Files.exists(p)) {
                p = p.getParent();
            }
            return p != null && "bpf".equals(Files.getFileStore(p).type());
        } catch (IOException e) {
            return false;
        }
    }

    public static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + dir + " (is bpffs mounted at /sys/fs/bpf?)", e);
        }
    }

    /** scratchDir creates a directory of its own under parent, for pins that go away after use. */
    public static Path scratchDir(Path parent) {
        Path dir = parent.resolve(ProcessHandle.current().pid() + "-" + System.nanoTime());
        mkdirs(dir);
        return dir;
    }

    /** removeTree unpins everything under dir and dir itself; absent is fine. */
    public static void removeTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("unpinning " + dir, e);
        }
    }

    /** Paths of the pins directly under dir (none if absent). */
    public static Set<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new HashSet<>(s.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir, e);
        }
    }

    /** removeAll unpins the given paths. */
    public static void removeAll(List<Path> pins) {
        pins.forEach(Bpffs::removeTree);
    }

    /**
     * replacePin pins fd at path, replacing an existing pin atomically (rename over it). bpffs
     * refuses names with dots, hence the underscore.
     */
    public static void replacePin(Fd fd, Path path) {
        Path tmp = path.resolveSibling(path.getFileName() + "_new");
        removeTree(tmp);
        Bpf.pin(fd, tmp);
        try {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("replacing pin " + path, e);
        }
    }
}
