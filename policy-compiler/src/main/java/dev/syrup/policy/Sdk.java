package dev.syrup.policy;


import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The policy SDK (syrup.h), the hook programs a policy is compiled into and the prebuilt dispatchers,
 * extracted from the classpath (META-INF/syrup/sdk/) to a directory clang can read.
 */
public final class Sdk {
    static final String RESOURCE_ROOT = "META-INF/syrup/sdk/";

    /**
     * Every header and BPF source under native/include and native/bpf, relative to the SDK root.
     * Resources in a jar cannot be listed, so the list is explicit; a test keeps it in step with native/.
     */
    public static final List<String> SOURCE_FILES = List.of(
            "include/syrup.h",
            "bpf/syrup_hook.h",
            "bpf/syrup_parse.h",
            "bpf/syrup_dispatch.h",
            "bpf/syrup_task.h",
            "bpf/syrup_thread.h",
            "bpf/socket_select.bpf.c",
            "bpf/xdp_cpu.bpf.c",
            "bpf/xdp_socket.bpf.c",
            "bpf/thread_policy.bpf.c",
            "bpf/dispatch_xdp.bpf.c",
            "bpf/scx_types.h",
            "bpf/scx_syrup.bpf.c",
            "bpf/bind_watch.h",
            "bpf/bind_watch.bpf.c");

    /** The prebuilt sched_ext scheduler of the thread hook (SchedExtScheduler). */
    public static final String SCHEDULER_OBJECT = "bpf/scx_syrup.bpf.o";

    /** The prebuilt bind watcher the agent attaches once per node (BindWatcher). */
    public static final String BIND_WATCHER_OBJECT = "bpf/bind_watch.bpf.o";

    private final Path root;
    private final String hash;

    private Sdk(Path root, String hash) {
        this.root = root;
        this.hash = hash;
    }

    /** All SDK files: the sources and the prebuilt dispatcher objects of every hook. */
    public static List<String> files() {
        List<String> all = new ArrayList<>(SOURCE_FILES);
        Arrays.stream(Hook.values()).filter(h -> h.dispatcherObject() != null).map(h -> "bpf/" + h.dispatcherObject())
                .distinct().forEach(all::add);
        all.add(SCHEDULER_OBJECT);
        all.add(BIND_WATCHER_OBJECT);
        return List.copyOf(all);
    }

    /** Whether name is the file name of an SDK file (a policy must not be compiled under such a name). */
    static boolean isSdkFileName(String name) {
        return files().stream().anyMatch(f -> f.substring(f.lastIndexOf('/') + 1).equals(name));
    }

    /** Extracts the SDK of this build to cacheRoot/sdk/(content hash)/, unless it is already there. */
    public static Sdk extract(Path cacheRoot) {
        return extract(cacheRoot, Sdk.class.getClassLoader());
    }

    static Sdk extract(Path cacheRoot, ClassLoader loader) {
        Map<String, byte[]> contents = read(loader);
        Sha256 sha = new Sha256();
        contents.forEach((name, bytes) -> sha.field(name).field(bytes));
        String hash = sha.hex();
        Path parent = cacheRoot.resolve("sdk");
        Path root = parent.resolve(hash);
        if (Files.isDirectory(root))
            return new Sdk(worldReadable(root), hash);
        try {
            Files.createDirectories(parent);
            Path tmp = Files.createTempDirectory(parent, ".extract-");
            try {
                for (var e : contents.entrySet()) {
                    Path file = tmp.resolve(e.getKey());
                    Files.createDirectories(file.getParent());
                    Files.write(file, e.getValue());
                }
                // The directory appears complete or not at all. Another extractor may have won the race:
                // its copy has the same content, so use it.
                worldReadable(tmp);
                Files.move(tmp, root, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.isDirectory(root))
                    throw e;
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the policy SDK to " + root, e);
        }
        return new Sdk(root, hash);
    }

    private static Map<String, byte[]> read(ClassLoader loader) {
        Map<String, byte[]> contents = new LinkedHashMap<>();
        for (String name : files()) {
            try (InputStream in = loader.getResourceAsStream(RESOURCE_ROOT + name)) {
                if (in == null)
                    throw new IllegalStateException("SDK file " + RESOURCE_ROOT + name
                            + " is missing from the classpath: run `make -C native` before building the agent");
                contents.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read SDK file " + RESOURCE_ROOT + name, e);
            }
        }
        return contents;
    }

    /**
     * Makes the SDK readable by everyone (it is public): clang reads it in the compile sandbox as nobody.
     * Only files this process owns are changed; an SDK someone else extracted is left as it is.
     */
    private static Path worldReadable(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                if (Files.isSymbolicLink(p) || !Files.isWritable(p))
                    continue;
                Set<PosixFilePermission> perms = PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--");
                if (!Files.getPosixFilePermissions(p).equals(perms))
                    Files.setPosixFilePermissions(p, perms);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the policy SDK at " + root + " readable", e);
        }
        return root;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir))
            return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList())
                Files.deleteIfExists(p);
        }
    }

    /** The extracted SDK's directory. */
    public Path root() { return root; }

    /** Holds syrup.h, the header policies include. */
    public Path includeDir() { return root.resolve("include"); }

    /** Holds the hook programs, their headers and the dispatcher objects. */
    public Path bpfDir() { return root.resolve("bpf"); }

    /** The hook program that includes the policy, e.g. bpf/socket_select.bpf.c. */
    public Path wrapperSource(Hook hook) { return bpfDir().resolve(hook.wrapperSource()); }

    /** The prebuilt root dispatcher of a hook (network hooks only). */
    public Path dispatcherObject(Hook hook) { return bpfDir().resolve(hook.dispatcherObject()); }

    /** The prebuilt sched_ext scheduler. */
    public Path schedulerObject() { return root.resolve(SCHEDULER_OBJECT); }

    /** The bind watcher's object. */
    public Path bindWatcherObject() { return root.resolve(BIND_WATCHER_OBJECT); }

    /** Hex SHA-256 over the names and contents of all SDK files. */
    public String hash() { return hash; }

    @Override
    public String toString() { return "SDK " + hash.substring(0, 12) + " at " + root; }
}
