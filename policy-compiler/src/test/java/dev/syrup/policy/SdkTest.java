package dev.syrup.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SdkTest {
    static final Path NATIVE = Path.of(System.getProperty("syrup.native", "../native"));

    @TempDir
    Path cache;

    @Test
    void fileListMatchesTheNativeTree() throws Exception {
        List<String> actual = new ArrayList<>();
        try (Stream<Path> s = Files.list(NATIVE.resolve("include"))) {
            s.map(p -> "include/" + p.getFileName()).filter(n -> n.endsWith(".h")).forEach(actual::add);
        }
        try (Stream<Path> s = Files.list(NATIVE.resolve("bpf"))) {
            s.map(p -> "bpf/" + p.getFileName()).filter(n -> n.endsWith(".h") || n.endsWith(".bpf.c"))
                    .forEach(actual::add);
        }
        assertThat(actual).isNotEmpty();
        assertThat(Sdk.SOURCE_FILES).containsExactlyInAnyOrderElementsOf(actual);
    }

    @Test
    void everyHookHasItsWrapperAndDispatcher() {
        for (Hook h : Hook.values()) {
            assertThat(Sdk.SOURCE_FILES).contains("bpf/" + h.wrapperSource());
            if (h.dispatcherObject() != null) // socket-select attaches to the socket group; thread programs filter by cgroup
                assertThat(Sdk.files()).contains("bpf/" + h.dispatcherObject());
        }
    }

    @Test
    void extractsEveryFileWithItsContent() throws Exception {
        Sdk sdk = Sdk.extract(cache);
        assertThat(sdk.root()).isEqualTo(cache.resolve("sdk").resolve(sdk.hash()));
        assertThat(sdk.hash()).matches("[0-9a-f]{64}");
        for (String f : Sdk.SOURCE_FILES)
            assertThat(Files.mismatch(sdk.root().resolve(f), NATIVE.resolve(f))).as(f).isEqualTo(-1L);
        for (Hook h : Hook.values()) {
            assertThat(sdk.wrapperSource(h)).isRegularFile().hasFileName(h.wrapperSource());
            if (h.dispatcherObject() != null)
                assertThat(Files.mismatch(sdk.dispatcherObject(h), NATIVE.resolve("build/bpf").resolve(h.dispatcherObject())))
                    .isEqualTo(-1L);
        }
        assertThat(sdk.includeDir().resolve("syrup.h")).isRegularFile();
        assertThat(sdk.bpfDir().resolve("syrup_hook.h")).isRegularFile();
    }

    @Test
    void extractIsIdempotent() throws Exception {
        Sdk a = Sdk.extract(cache);
        long mtime = Files.getLastModifiedTime(a.includeDir().resolve("syrup.h")).toMillis();
        Sdk b = Sdk.extract(cache);
        assertThat(b.root()).isEqualTo(a.root());
        assertThat(b.hash()).isEqualTo(a.hash());
        assertThat(Files.getLastModifiedTime(b.includeDir().resolve("syrup.h")).toMillis()).isEqualTo(mtime);
        try (Stream<Path> s = Files.list(cache.resolve("sdk"))) {
            assertThat(s.toList()).containsExactly(a.root());
        }
    }

    @Test
    void concurrentExtractsAgree() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Sdk>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++)
                results.add(pool.submit(() -> {
                    go.await();
                    return Sdk.extract(cache);
                }));
            go.countDown();
            Path root = results.get(0).get().root();
            for (Future<Sdk> f : results)
                assertThat(f.get().root()).isEqualTo(root);
            for (String f : Sdk.files())
                assertThat(root.resolve(f)).isRegularFile();
            try (Stream<Path> s = Files.list(cache.resolve("sdk"))) {
                assertThat(s.toList()).as("no temp dirs left behind").containsExactly(root);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void missingResourceSaysToBuildNative() {
        ClassLoader empty = new URLClassLoader(new URL[0], null);
        assertThatThrownBy(() -> Sdk.extract(cache, empty))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("META-INF/syrup/sdk/include/syrup.h")
                .hasMessageContaining("make -C native");
    }
}
