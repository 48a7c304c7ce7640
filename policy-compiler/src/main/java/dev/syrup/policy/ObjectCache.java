package dev.syrup.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Compiled policy objects on disk, at root/objects/(key).o. An object appears there complete or not at
 * all (temp file + atomic rename). Within this process at most one compilation per key runs at a time: callers
 * asking for a key that is being compiled wait for it and get its result or its failure. Failed
 * compilations leave nothing behind, so the next call tries again.
 */
public final class ObjectCache {
    private static final Pattern KEY = Pattern.compile("[0-9a-zA-Z_-]{1,128}");

    /** Writes the object for a key to output. */
    @FunctionalInterface
    public interface Compilation {
        void writeTo(Path output) throws IOException;
    }

    private final Path root;
    private final Path objects;
    private final ConcurrentMap<String, CompletableFuture<Path>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong compiles = new AtomicLong();

    public ObjectCache(Path root) {
        this.root = root;
        this.objects = root.resolve("objects");
        try {
            Files.createDirectories(objects);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the object cache at " + objects, e);
        }
    }

    /** The cache key of a compile: everything the object depends on. */
    public static String key(byte[] source, String hook, String sdkHash, String compilerVersion, List<String> flags) {
        Sha256 sha = new Sha256().field(source).field(hook).field(sdkHash).field(compilerVersion);
        sha.field(String.valueOf(flags.size()));
        flags.forEach(sha::field);
        return sha.hex();
    }

    public Path root() { return root; }

    /** Where the object for key is (or would be) stored. */
    public Path path(String key) {
        if (!KEY.matcher(key).matches())
            throw new IllegalArgumentException("bad cache key '" + key + "'");
        return objects.resolve(key + ".o");
    }

    /** The cached object for key, if there is one. */
    public Optional<Path> lookup(String key) {
        Path p = path(key);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** The object for key: from the cache, or made by compilation (once, however many callers ask at once). */
    public Path getOrCompile(String key, Compilation compilation) {
        Optional<Path> hit = lookup(key);
        if (hit.isPresent())
            return hit.get();
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> running = inFlight.putIfAbsent(key, mine);
        if (running != null)
            return await(running);
        try {
            // Checked again now that this caller owns the key: a compilation may have finished in between.
            mine.complete(lookup(key).orElseGet(() -> compile(key, compilation)));
        } catch (Throwable t) {
            mine.completeExceptionally(t);
        } finally {
            inFlight.remove(key, mine);
        }
        return await(mine);
    }

    private Path compile(String key, Compilation compilation) {
        Path target = path(key);
        compiles.incrementAndGet();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(objects, "." + key + "-", ".tmp");
            compilation.writeTo(tmp);
            if (Files.size(tmp) == 0)
                throw new IOException("the compile of " + key + " wrote nothing");
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compile object " + key, e);
        } finally {
            if (tmp != null)
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temp file is harmless; it is never read
                }
        }
    }

    private static Path await(CompletableFuture<Path> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r)
                throw r;
            if (cause instanceof Error err)
                throw err;
            throw e;
        }
    }

    /** How many compilations this cache has run (misses that reached a compilation, failed ones included). */
    public long compilesRun() { return compiles.get(); }
}
