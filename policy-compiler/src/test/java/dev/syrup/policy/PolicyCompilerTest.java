package dev.syrup.policy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Compiles with the real clang and loads the results through the kernel's verifier. */
class PolicyCompilerTest {
    static final Path EXAMPLES = Path.of(System.getProperty("syrup.examples", "../examples"), "policies");

    @TempDir
    static Path sdkCache;
    static Sdk sdk;

    @TempDir
    Path cacheRoot;
    @TempDir
    Path userDir;
    ObjectCache cache;
    PolicyCompiler compiler;

    @BeforeAll
    static void extractSdk() {
        sdk = Sdk.extract(sdkCache);
    }

    @BeforeEach
    void newCache() {
        cache = new ObjectCache(cacheRoot);
        compiler = new PolicyCompiler(sdk, cache);
    }

    static List<Path> examples() throws Exception {
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            return s.filter(p -> p.toString().endsWith(".c")).sorted().toList();
        }
    }

    @Test
    void examplesAreSmallAndDocumented() throws Exception {
        assertThat(examples()).extracting(p -> p.getFileName().toString()).contains(
                "round_robin.c", "route_by_first_byte.c", "random.c", "source_port_hash.c", "count_packets.c");
        for (Path p : examples()) {
            List<String> lines = Files.readAllLines(p);
            assertThat(lines).as(p.toString()).hasSizeLessThan(30);
            assertThat(lines.get(0)).as(p.toString()).startsWith("// SPDX-License-Identifier:");
            assertThat(lines.get(1)).as(p.toString()).startsWith("/*");
        }
    }

    @ParameterizedTest
    @EnumSource(Hook.class)
    void everyExampleCompilesAndPassesTheVerifier(Hook hook) throws Exception {
        for (Path example : examples()) {
            if (!PolicySource.fromFile(example).hooksWithEntryPoints().contains(hook))
                continue; // e.g. a thread-only policy at a network hook
            Path obj = compiler.compile(PolicySource.fromFile(example), hook);
            assertThat(obj).isRegularFile().hasExtension("o");
            assertThat(obj.startsWith(cacheRoot.resolve("objects"))).isTrue();
            assertThat(BpfObjects.elfMachine(obj)).as(example + " at " + hook).isEqualTo(BpfObjects.EM_BPF);
            BpfObjects.Load load = BpfObjects.loadAll(obj);
            assertThat(load.exitCode()).as(example + " at " + hook + ":\n" + load.output()).isZero();
        }
    }

    @Test
    void syntaxErrorNamesTheUsersFileAndLine() throws Exception {
        Path file = Files.writeString(userDir.resolve("broken.c"), """
                #include "syrup.h"
                uint32_t schedule(void *pkt_start, void *pkt_end)
                {
                	return 0
                }
                """);
        CompileException e = catchThrowableOfType(CompileException.class,
                () -> compiler.compile(PolicySource.fromFile(file), Hook.SOCKET_SELECT));
        assertThat(e.getMessage()).startsWith(file + ":4:").contains("error").contains("expected ';'")
                .containsPattern("\n\\s+return 0\n"); // the source line clang shows (tabs expanded)
        assertThat(e.diagnostics().get(0).file()).isEqualTo(file.toString());
        assertThat(e.diagnostics().get(0).line()).isEqualTo(4);
        assertPrivatePathsHidden(e);
        assertThat(e.getMessage()).doesNotContain("In file included from");
    }

    @Test
    void inlineSourceIsShownUnderItsName() {
        PolicySource src = PolicySource.of("inline", "#include \"syrup.h\"\nuint32_t schedule(void *a, void *b) { return x; }\n");
        assertThatThrownBy(() -> compiler.compile(src, Hook.XDP_CPU))
                .isInstanceOf(CompileException.class)
                .hasMessageStartingWith("inline:2:");
    }

    @Test
    void wrongScheduleSignatureNamesTheUsersLine() throws Exception {
        Path file = Files.writeString(userDir.resolve("sig.c"), """
                #include "syrup.h"

                /* schedule takes the payload's bounds, not an int */
                int schedule(int x)
                {
                	return x;
                }
                """);
        CompileException e = catchThrowableOfType(CompileException.class,
                () -> compiler.compile(PolicySource.fromFile(file), Hook.SOCKET_SELECT));
        assertThat(e.getMessage())
                .startsWith(file + ":4:5: error: conflicting types for 'schedule'\nint schedule(int x)\n")
                .contains("syrup_hook.h:")
                .contains("note: previous declaration is here")
                .endsWith("hint: schedule() must be defined as uint32_t schedule(void *pkt_start, void *pkt_end)");
        assertThat(e.diagnostics()).anyMatch(d -> d.file().equals("syrup_hook.h") && d.severity() == Diagnostic.Severity.NOTE);
        assertPrivatePathsHidden(e);
    }

    @ParameterizedTest
    @EnumSource(value = Hook.class, names = {"SOCKET_SELECT", "XDP_CPU", "XDP_SOCKET"})
    void missingScheduleIsAnErrorThatSaysSo(Hook hook) throws Exception {
        Path file = Files.writeString(userDir.resolve("empty.c"), """
                #include "syrup.h"
                uint32_t schedul(void *pkt_start, void *pkt_end) { return 0; }
                """);
        CompileException e = catchThrowableOfType(CompileException.class,
                () -> compiler.compile(PolicySource.fromFile(file), hook));
        assertThat(e.getMessage()).startsWith(file + ": error: policy does not define schedule(); a policy must define\n"
                + "    uint32_t schedule(void *pkt_start, void *pkt_end)");
        assertThat(cache.lookup(ObjectCache.key(Files.readAllBytes(file), hook.cliName(), sdk.hash(),
                compiler.clangVersion(), compiler.flags()))).isEmpty();
        assertPrivatePathsHidden(e);
    }

    @Test
    void missingScheduleThreadAtTheThreadHookIsAnErrorThatSaysSo() throws Exception {
        Path file = Files.writeString(userDir.resolve("net_only.c"), """
                #include "syrup.h"
                uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
                """);
        CompileException e = catchThrowableOfType(CompileException.class,
                () -> compiler.compile(PolicySource.fromFile(file), Hook.THREAD));
        assertThat(e.getMessage()).startsWith(file + ": error: policy does not define schedule_thread(); a policy deployed"
                + " at the thread hook must define\n    uint32_t schedule_thread(const struct syrup_thread *t)");
        assertPrivatePathsHidden(e);
    }

    @Test
    void everyExampleIsCheckedAtAHook() throws Exception {
        for (Path example : examples())
            assertThat(PolicySource.fromFile(example).hooksWithEntryPoints()).as(example.toString()).isNotEmpty();
        assertThat(PolicySource.fromFile(EXAMPLES.resolve("scan_core.c")).hooksWithEntryPoints())
                .containsExactly(Hook.SOCKET_SELECT, Hook.XDP_CPU, Hook.XDP_SOCKET, Hook.THREAD);
    }

    @Test
    void atomicFetchAddWhoseResultIsUsedCompiles() throws Exception {
        PolicySource src = PolicySource.of("ticket.c", """
                #include "syrup.h"
                SYRUP_ARRAY(tickets, uint64_t, 1);
                uint32_t schedule(void *pkt_start, void *pkt_end)
                {
                	uint32_t zero = 0;
                	uint64_t *t = bpf_map_lookup_elem(&tickets, &zero);
                	if (!t)
                		return SYRUP_PASS;
                	uint64_t mine = syrup_fetch_add(t, 1);
                	return mine % syrup_executors();
                }
                """);
        for (Hook hook : List.of(Hook.SOCKET_SELECT, Hook.XDP_CPU)) {
            Path obj = compiler.compile(src, hook);
            assertThat(BpfObjects.elfMachine(obj)).isEqualTo(BpfObjects.EM_BPF);
        }
        assertThat(compiler.flags()).contains("-mcpu=v3");
        BpfObjects.Load load = BpfObjects.loadAll(compiler.compile(src, Hook.SOCKET_SELECT));
        assertThat(load.exitCode()).as(load.output()).isZero();
    }

    @Test
    void secondCompileIsACacheHit() throws Exception {
        PolicySource src = PolicySource.fromFile(EXAMPLES.resolve("round_robin.c"));
        Path first = compiler.compile(src, Hook.SOCKET_SELECT);
        assertThat(compiler.compilesRun()).isEqualTo(1);
        byte[] bytes = Files.readAllBytes(first);

        Path again = compiler.compile(PolicySource.fromFile(EXAMPLES.resolve("round_robin.c")), Hook.SOCKET_SELECT);
        assertThat(compiler.compilesRun()).isEqualTo(1);
        assertThat(again).isEqualTo(first);
        assertThat(Files.readAllBytes(again)).isEqualTo(bytes);

        // A new compiler on the same cache directory (e.g. after a restart) finds it too.
        PolicyCompiler restarted = new PolicyCompiler(sdk, new ObjectCache(cacheRoot));
        assertThat(restarted.compile(src, Hook.SOCKET_SELECT)).isEqualTo(first);
        assertThat(restarted.compilesRun()).isZero();

        Path xdp = compiler.compile(src, Hook.XDP_CPU);
        assertThat(xdp).isNotEqualTo(first);
        assertThat(compiler.compilesRun()).isEqualTo(2);
        assertThat(Files.readAllBytes(xdp)).isNotEqualTo(bytes);
    }

    @Test
    void sameSourceUnderAnotherNameIsTheSameObject() throws Exception {
        String text = Files.readString(EXAMPLES.resolve("random.c"));
        Path a = compiler.compile(PolicySource.of("a.c", text), Hook.XDP_CPU);
        Path b = compiler.compile(PolicySource.of("b.c", text), Hook.XDP_CPU);
        assertThat(b).isEqualTo(a);
        assertThat(compiler.compilesRun()).isEqualTo(1);
    }

    @Test
    void concurrentCompilesOfOneNewSourceRunClangOnce() throws Exception {
        PolicySource src = PolicySource.of("fresh.c", Files.readString(EXAMPLES.resolve("round_robin.c"))
                + "/* " + UUID.randomUUID() + " */\n");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++)
                results.add(pool.submit(() -> {
                    go.await();
                    return compiler.compile(src, Hook.SOCKET_SELECT);
                }));
            go.countDown();
            Path first = results.get(0).get(120, TimeUnit.SECONDS);
            for (Future<Path> f : results)
                assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(first);
            assertThat(compiler.compilesRun()).isEqualTo(1);
            assertThat(BpfObjects.elfMachine(first)).isEqualTo(BpfObjects.EM_BPF);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void failedCompileIsRetriedNotCached() {
        PolicySource src = PolicySource.of("bad.c", "#include \"syrup.h\"\nnot c\n");
        assertThatThrownBy(() -> compiler.compile(src, Hook.SOCKET_SELECT)).isInstanceOf(CompileException.class);
        assertThatThrownBy(() -> compiler.compile(src, Hook.SOCKET_SELECT)).isInstanceOf(CompileException.class);
        assertThat(compiler.compilesRun()).isEqualTo(2);
    }

    @Test
    void oversizedSourceIsRejectedBeforeClangRuns() throws Exception {
        Path big = userDir.resolve("policy.c");
        Files.write(big, new byte[PolicySource.MAX_BYTES + 1]);
        assertThatThrownBy(() -> compiler.compile(PolicySource.fromFile(big), Hook.SOCKET_SELECT))
                .isInstanceOf(PolicyException.class)
                .hasMessage(big + " is 1048577 bytes; the limit is 1048576");
        assertThat(compiler.compilesRun()).isZero();
        try (Stream<Path> s = Files.list(cacheRoot.resolve("objects"))) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void nonUtf8BytesInACommentCompile() throws Exception {
        ByteArrayOutputStream src = new ByteArrayOutputStream();
        src.writeBytes("#include \"syrup.h\"\n/* caf".getBytes(StandardCharsets.US_ASCII));
        src.writeBytes(new byte[] {(byte) 0xe9, ' ', (byte) 0xff, (byte) 0xfe});
        src.writeBytes(" */\nuint32_t schedule(void *pkt_start, void *pkt_end) { return SYRUP_PASS; }\n"
                .getBytes(StandardCharsets.US_ASCII));
        Path obj = compiler.compile(PolicySource.of("latin1.c", src.toByteArray()), Hook.SOCKET_SELECT);
        assertThat(BpfObjects.elfMachine(obj)).isEqualTo(BpfObjects.EM_BPF);
    }

    @Test
    void nonUtf8BytesInCodeAreAClearError() {
        ByteArrayOutputStream src = new ByteArrayOutputStream();
        src.writeBytes("#include \"syrup.h\"\nuint32_t schedule(void *pkt_start, void *pkt_end)\n{\n\treturn SYRUP_PASS; "
                .getBytes(StandardCharsets.US_ASCII));
        src.writeBytes(new byte[] {(byte) 0xff});
        src.writeBytes("\n}\n".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> compiler.compile(PolicySource.of("bytes.c", src.toByteArray()), Hook.SOCKET_SELECT))
                .isInstanceOf(CompileException.class)
                .hasMessageStartingWith("bytes.c:4:")
                .hasMessageContaining("error: source file is not valid UTF-8");
    }

    @Test
    void missingClangIsReported() {
        PolicyCompiler noClang = new PolicyCompiler(sdk, cache, "clang-that-does-not-exist");
        assertThatThrownBy(() -> noClang.compile(PolicySource.of("p.c", "x"), Hook.SOCKET_SELECT))
                .isInstanceOf(CompileException.class)
                .hasMessage("clang-that-does-not-exist not found: install clang (apt-get install clang)");
        assertThat(noClang.compilesRun()).isZero();
    }

    @Test
    void flagsAreFixedAndIncludeTheMultiarchDir() throws Exception {
        assertThat(compiler.flags()).startsWith("-target", "bpf", "-O2", "-g", "-mcpu=v3", "-Wall");
        String triple = new String(new ProcessBuilder("clang", "-print-multiarch").start().getInputStream()
                .readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(compiler.flags()).contains("-I/usr/include/" + triple);
        assertThat(compiler.clangVersion()).contains("clang version");
    }

    @Test
    void verifierRejectionPointsAtThePolicyLine() throws Exception {
        Path file = Files.writeString(userDir.resolve("bad.c"), """
                #include "syrup.h"

                uint32_t schedule(void *pkt_start, void *pkt_end)
                {
                	uint8_t first = *(uint8_t *)pkt_start;
                	return first;
                }
                """);
        PolicySource src = PolicySource.fromFile(file);
        Path obj = compiler.compile(src, Hook.SOCKET_SELECT);
        BpfObjects.Load load = BpfObjects.loadAll(obj);
        assertThat(load.exitCode()).isNotZero();

        VerificationException e = VerifierLog.toException(Hook.SOCKET_SELECT.programName(), 13, load.output(),
                src.fileName(), src.name());
        assertThat(e.line()).as(load.output()).isEqualTo(5);
        assertThat(e.getMessage()).startsWith(file + ":5: verifier rejected program syrup_socket_select: invalid access to packet")
                .endsWith("\n    uint8_t first = *(uint8_t *)pkt_start;");
    }

    private void assertPrivatePathsHidden(CompileException e) {
        String work = cacheRoot.resolve("work").toString();
        assertThat(e.getMessage()).doesNotContain(work).doesNotContain(sdk.root().toString());
        assertThat(e.output()).doesNotContain(work);
        assertThat(e.diagnostics()).allSatisfy(d -> assertThat(String.valueOf(d.file())).doesNotContain(work));
    }
}
