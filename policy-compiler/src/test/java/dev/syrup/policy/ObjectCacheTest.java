package dev.syrup.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cache's own logic, with compilations that write bytes (PolicyCompilerTest runs it with clang). */
class ObjectCacheTest {
    @TempDir
    Path root;

    @Test
    void keyCoversEveryInput() {
        byte[] src = {1, 2};
        String k = ObjectCache.key(src, "socket-select", "sdk", "clang 14", List.of("-O2"));
        assertThat(k).matches("[0-9a-f]{64}");
        assertThat(ObjectCache.key(src.clone(), "socket-select", "sdk", "clang 14", List.of("-O2"))).isEqualTo(k);
        assertThat(ObjectCache.key(new byte[] {1, 3}, "socket-select", "sdk", "clang 14", List.of("-O2"))).isNotEqualTo(k);
        assertThat(ObjectCache.key(src, "xdp-cpu", "sdk", "clang 14", List.of("-O2"))).isNotEqualTo(k);
        assertThat(ObjectCache.key(src, "socket-select", "sdk2", "clang 14", List.of("-O2"))).isNotEqualTo(k);
        assertThat(ObjectCache.key(src, "socket-select", "sdk", "clang 15", List.of("-O2"))).isNotEqualTo(k);
        assertThat(ObjectCache.key(src, "socket-select", "sdk", "clang 14", List.of("-O1"))).isNotEqualTo(k);
        assertThat(ObjectCache.key(src, "socket-select", "sdk", "clang 14", List.of("-O", "2"))).isNotEqualTo(k);
    }

    @Test
    void hitDoesNotCompileAgain() {
        ObjectCache cache = new ObjectCache(root);
        Path first = cache.getOrCompile("k1", out -> Files.writeString(out, "obj"));
        Path second = cache.getOrCompile("k1", out -> { throw new AssertionError("compiled twice"); });
        assertThat(second).isEqualTo(first).hasContent("obj");
        assertThat(cache.compilesRun()).isEqualTo(1);
        assertThat(new ObjectCache(root).lookup("k1")).contains(first);
    }

    @Test
    void failureIsNotCachedAndLeavesNoFiles() throws Exception {
        ObjectCache cache = new ObjectCache(root);
        assertThatThrownBy(() -> cache.getOrCompile("k", out -> {
            Files.writeString(out, "partial");
            throw new CompileException("boom");
        })).isInstanceOf(CompileException.class).hasMessage("boom");
        try (Stream<Path> s = Files.list(root.resolve("objects"))) {
            assertThat(s.toList()).isEmpty();
        }
        assertThat(cache.getOrCompile("k", out -> Files.writeString(out, "ok"))).hasContent("ok");
        assertThat(cache.compilesRun()).isEqualTo(2);
    }

    @Test
    void emptyOutputIsAFailure() {
        ObjectCache cache = new ObjectCache(root);
        assertThatThrownBy(() -> cache.getOrCompile("k", out -> { })).hasMessageContaining("k");
        assertThat(cache.lookup("k")).isEmpty();
    }

    @Test
    void rejectsKeysThatAreNotNames() {
        ObjectCache cache = new ObjectCache(root);
        assertThatThrownBy(() -> cache.path("../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.path("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentCallersShareOneCompilation() throws Exception {
        ObjectCache cache = new ObjectCache(root);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++)
                results.add(pool.submit(() -> cache.getOrCompile("same", out -> {
                    runs.incrementAndGet();
                    inside.countDown();
                    await(release);
                    Files.writeString(out, "one");
                })));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200); // let the others arrive and wait
            release.countDown();
            for (Future<Path> f : results)
                assertThat(f.get(10, TimeUnit.SECONDS)).hasContent("one");
            assertThat(runs).hasValue(1);
            assertThat(cache.compilesRun()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void waitersGetTheSameFailure() throws Exception {
        ObjectCache cache = new ObjectCache(root);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompileException failure = new CompileException("bad policy");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Throwable>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++)
                results.add(pool.submit(() -> {
                    try {
                        cache.getOrCompile("bad", out -> {
                            inside.countDown();
                            await(release);
                            throw failure;
                        });
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                }));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200);
            release.countDown();
            for (Future<Throwable> f : results)
                assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(failure);
            assertThat(cache.compilesRun()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void differentKeysCompileInParallel() throws Exception {
        ObjectCache cache = new ObjectCache(root);
        CountDownLatch both = new CountDownLatch(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (String key : List.of("a", "b"))
                results.add(pool.submit(() -> cache.getOrCompile(key, out -> {
                    both.countDown();
                    // Only returns if the other key's compilation runs at the same time.
                    if (!await(both))
                        throw new AssertionError("compilations of different keys were serialized");
                    Files.writeString(out, key);
                })));
            assertThat(results.get(0).get(20, TimeUnit.SECONDS)).hasContent("a");
            assertThat(results.get(1).get(20, TimeUnit.SECONDS)).hasContent("b");
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
