package dev.syrup.policy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The compile sandbox with the real clang and bubblewrap: a file the test plants on the machine cannot be
 * read by a compile, whether the source gate stands in front of it or not.
 */
class CompileSandboxTest {
    private static final String BODY = "uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }\n";

    @TempDir
    static Path cacheRoot;
    static PolicyCompiler compiler;
    static Path canaryDir;
    static Path canary;
    static String secret;

    @BeforeAll
    static void plantCanary() throws Exception {
        compiler = new PolicyCompiler(Sdk.extract(cacheRoot), new ObjectCache(cacheRoot.resolve("objects")), "clang",
                Duration.ofSeconds(30));
        secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        // world-readable, as a careless secret would be: only the sandbox keeps clang from it
        canaryDir = Files.createDirectories(Path.of("/tmp", "syrup-canary-" + UUID.randomUUID()));
        canaryDir.toFile().setReadable(true, false);
        canaryDir.toFile().setExecutable(true, false);
        canary = Files.writeString(canaryDir.resolve("secret"), "int " + secret + ";\n#error " + secret + "\n");
        canary.toFile().setReadable(true, false);
    }

    @AfterAll
    static void removeCanary() throws Exception {
        Files.deleteIfExists(canary);
        Files.deleteIfExists(canaryDir);
    }

    private static PolicySource naming(String directive) {
        return PolicySource.of("canary.c", "#include \"syrup.h\"\n" + directive + "\n" + BODY);
    }

    private static void assertNoSecret(CompileException e) {
        assertThat(e.getMessage()).doesNotContain(secret);
        assertThat(e.output()).doesNotContain(secret);
        assertThat(e.diagnostics().toString()).doesNotContain(secret);
        e.diagnostics().forEach(d -> assertThat(d.format()).doesNotContain(secret));
    }

    @Test
    void withoutTheGateAnAbsoluteIncludeFindsNothing() {
        CompileException e = catchThrowableOfType(CompileException.class,
                () -> compiler.compileWithoutGate(naming("#include \"" + canary + "\""), Hook.SOCKET_SELECT));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith("canary.c:2:").contains("file not found");
        assertNoSecret(e);
    }

    @Test
    void withoutTheGateSystemFilesAreNotThereEither() {
        for (String file : List.of("/etc/passwd", "/proc/self/status", "/dev/zero", "/root/.bashrc", "/sys/kernel/btf/vmlinux")) {
            CompileException e = catchThrowableOfType(CompileException.class,
                    () -> compiler.compileWithoutGate(naming("#include \"" + file + "\""), Hook.SOCKET_SELECT));
            assertThat(e).as(file).isNotNull();
            assertThat(e.getMessage()).as(file).contains("file not found");
        }
    }

    @Test
    void withoutTheGateHasIncludeCannotSeeTheCanary() {
        Path obj = compiler.compileWithoutGate(naming("#if __has_include(\"" + canary + "\")\n#error seen\n#endif"),
                Hook.SOCKET_SELECT);
        assertThat(obj).isRegularFile();
    }

    @Test
    void aFileClangReadOutsideThePolicyTheSdkAndItsHeadersIsRefused(@TempDir Path dir) throws Exception {
        // the sandbox leaves clang no such file to read; this is the check that would catch a gap in it
        List<Path> roots = List.of(Path.of("/usr/include/linux"));
        Path ok = Files.writeString(dir.resolve("ok.d"), "/out/policy.bpf.o: /sdk/bpf/socket_select.bpf.c \\\n"
                + "  /sdk/include/syrup.h /usr/include/linux/bpf.h /policy/p.c\n");
        DependencyCheck.check(ok, "/policy/p.c", roots, "p.c");
        for (String outside : List.of("/usr/lib/llvm-14/share/x.h", "/policy/other.c", "/sdk/../etc/passwd",
                "/usr/include/linux/../stdio.h")) {
            Path deps = Files.writeString(dir.resolve("bad.d"), "/out/policy.bpf.o: /sdk/bpf/socket_select.bpf.c "
                    + outside + " /policy/p.c\n");
            assertThatThrownBy(() -> DependencyCheck.check(deps, "/policy/p.c", roots, "p.c"))
                    .isInstanceOf(PolicyForbiddenException.class)
                    .hasMessage("p.c: forbidden: the compile read " + outside
                            + ", which is neither the policy, the SDK nor a header the SDK includes");
        }
        assertThatThrownBy(() -> DependencyCheck.check(dir.resolve("missing.d"), "/policy/p.c", roots, "p.c"))
                .isInstanceOf(PolicyForbiddenException.class);
    }

    @Test
    void withTheGateTheCanaryIsRefusedBeforeClangRuns() {
        long before = compiler.compilesRun();
        for (String directive : List.of("#include \"" + canary + "\"", "#include <" + canary + ">",
                "#if __has_include(\"" + canary + "\")\n#endif", "_Pragma(\"GCC dependency \\\"" + canary + "\\\"\")")) {
            PolicyForbiddenException e = catchThrowableOfType(PolicyForbiddenException.class,
                    () -> compiler.compile(naming(directive), Hook.SOCKET_SELECT));
            assertThat(e).as(directive).isNotNull();
            assertThat(e.getMessage()).startsWith("canary.c:2: forbidden: ").doesNotContain(secret);
        }
        assertThat(compiler.compilesRun()).isEqualTo(before);
    }

    @Test
    void clangRunsAsNobodyWithoutNetworkWhenTheCallerIsRoot() throws Exception {
        assertThat(CompileSandbox.isRoot()).as("these tests run as root, as syrupd does").isTrue();
        String resourceDir = new String(new ProcessBuilder("clang", "-print-resource-dir").start().getInputStream()
                .readAllBytes()).strip();
        CompileSandbox sandbox = CompileSandbox.prepare(CompileSandbox.which("clang"), Path.of(resourceDir),
                List.of(Path.of("/usr/include")), CompileSandbox.Limits.forTimeout(Duration.ofSeconds(30)),
                Duration.ofSeconds(30));
        assertThat(sandbox.dropsToNobody()).isTrue();
        List<String> cmd = sandbox.command(Path.of("/s"), Path.of("/p"), Path.of("/o"), List.of("--version"));
        assertThat(cmd).contains("--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent", "--new-session",
                "--reuid=65534", "--regid=65534", "--clear-groups", "--no-new-privs", "--cpu=30", "--as=1073741824",
                "--fsize=67108864", "--nproc=256", "--clearenv");
        assertThat(String.join(" ", cmd)).doesNotContain(" /etc").doesNotContain("/home").doesNotContain(" /tmp ")
                .doesNotContain("--proc").doesNotContain("--dev ");
        PolicySource src = PolicySource.of("ok.c", "#include \"syrup.h\"\n" + BODY);
        assertThat(compiler.compile(src, Hook.SOCKET_SELECT)).isRegularFile();
    }

    @Test
    void limitsStopAClangThatWritesTooMuch() {
        CompileException e = catchThrowableOfType(CompileException.class, () -> compiler.compile(PolicySource.of("big.c",
                "#include \"syrup.h\"\nstatic volatile uint8_t huge[256ULL << 20] = { 1 };\n"
                        + "uint32_t schedule(void *pkt_start, void *pkt_end) { return huge[0]; }\n"), Hook.SOCKET_SELECT));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith("big.c: clang was stopped compiling the policy for socket-select: ")
                .contains("file size limit is 64 MiB");
    }

    @Test
    void toDisplayMapsSandboxPathsInOnePass() {
        String out = "/policy/p.c:3:1: error: x\nIn file included from /sdk/bpf/socket_select.bpf.c:10:\n/sdk/include/syrup.h:4:2: note: y\n";
        assertThat(CompileSandbox.toDisplay(out, "/policy/p.c", "/policy/p.c.d/user.c")).isEqualTo(
                "/policy/p.c.d/user.c:3:1: error: x\nIn file included from socket_select.bpf.c:10:\nsyrup.h:4:2: note: y\n");
    }

    @Test
    void dependencyFilesAreReadAsMakeWritesThem() {
        assertThat(DependencyCheck.files("/out/policy.bpf.o: /sdk/bpf/a.bpf.c \\\n  /usr/include/linux/types.h /policy/my\\ p.c\n"))
                .containsExactly("/sdk/bpf/a.bpf.c", "/usr/include/linux/types.h", "/policy/my p.c");
    }
}
