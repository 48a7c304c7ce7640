package dev.syrup.policy;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Compiles a policy into the BPF object of a hook: clang compiles the hook's program (socket_select.bpf.c,
 * xdp_cpu.bpf.c), which includes the policy file through SYRUP_POLICY_FILE. Objects are cached by
 * everything they depend on. Every compile passes the PreprocessorGate first (a policy may include syrup.h
 * and nothing else), runs clang in the CompileSandbox, then checks that clang read no file but the policy,
 * the SDK and the headers the sandbox exposes. Messages quote only the policy's own lines.
 */
public final class PolicyCompiler {
    /**
     * Flags every policy is compiled with. -mcpu=v3 lets BPF atomics return the old value (clang 14
     * rejects a used __sync_fetch_and_add result otherwise); -Werror=undefined-internal turns a policy
     * without schedule() into an error instead of an object with a dangling call;
     * -Werror=implicit-function-declaration names the line of a call to a function that does not exist.
     */
    public static final List<String> FLAGS = List.of(
            "-target", "bpf", "-O2", "-g", "-mcpu=v3", "-Wall", "-Werror=undefined-internal",
            "-Werror=implicit-function-declaration", "-fno-color-diagnostics");
    /** How long one compile may take (wall clock and CPU); syrup.compile.timeoutSeconds changes it. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(Long.getLong("syrup.compile.timeoutSeconds", 60));
    static final int MAX_OUTPUT = 64 * 1024;
    private static final String OBJECT = "policy.bpf.o";
    private static final String DEPENDENCIES = "policy.d";
    /** How long `clang --version` may take; syrup.clang.probeTimeoutSeconds raises it on slow (emulated) machines. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(Long.getLong("syrup.clang.probeTimeoutSeconds", 10));

    private final Sdk sdk;
    private final ObjectCache cache;
    private final String clang;
    private final Duration timeout;
    private final ObjectInspector inspector;
    private Toolchain toolchain;
    private CompileSandbox sandbox;

    /** What the compiler depends on besides the SDK: clang's version and the multiarch include dir. */
    private record Toolchain(String version, List<String> flags, Path resourceDir, List<Path> includeDirs) {}

    public PolicyCompiler(Sdk sdk, ObjectCache cache) {
        this(sdk, cache, "clang");
    }

    public PolicyCompiler(Sdk sdk, ObjectCache cache, String clang) {
        this(sdk, cache, clang, DEFAULT_TIMEOUT);
    }

    public PolicyCompiler(Sdk sdk, ObjectCache cache, String clang, Duration timeout) {
        this(sdk, cache, clang, timeout, new ObjectInspector());
    }

    public PolicyCompiler(Sdk sdk, ObjectCache cache, String clang, Duration timeout, ObjectInspector inspector) {
        this.sdk = Objects.requireNonNull(sdk);
        this.cache = Objects.requireNonNull(cache);
        this.clang = Objects.requireNonNull(clang);
        this.timeout = Objects.requireNonNull(timeout);
        this.inspector = Objects.requireNonNull(inspector);
    }

    /**
     * The BPF object of src at hook (from the cache if it was compiled before), inspected: a fresh
     * object before it enters the cache, a cached one again (it may predate the inspector's rules).
     *
     * @throws CompileException         if clang is missing, times out or rejects the policy
     * @throws PolicyForbiddenException if the object asks for more than the hook allows a policy
     */
    public Path compile(PolicySource src, Hook hook) {
        PreprocessorGate.check(src);
        return compileWithoutGate(src, hook);
    }

    /** compile without the source gate: only for the test that shows what the sandbox alone holds back. */
    Path compileWithoutGate(PolicySource src, Hook hook) {
        Toolchain tc = toolchain();
        String key = ObjectCache.key(src.content(), hook.cliName(), sdk.hash(), tc.version(), tc.flags());
        boolean[] fresh = {false};
        Path object = cache.getOrCompile(key, out -> {
            runClang(src, hook, tc, out);
            inspector.inspect(out, src, hook);
            fresh[0] = true;
        });
        if (!fresh[0])
            inspector.inspect(object, src, hook);
        return object;
    }

    /** The inspector every object of this compiler passes, before it is cached and before it is loaded. */
    public ObjectInspector inspector() { return inspector; }

    /** clang's version line, e.g. "Debian clang version 14.0.6". */
    public String clangVersion() { return toolchain().version(); }

    /** The flags clang is run with, besides the SDK include dirs and the policy file. */
    public List<String> flags() { return toolchain().flags(); }

    /** How many times clang compiled a policy (cache hits do not count). */
    public long compilesRun() { return cache.compilesRun(); }

    private synchronized Toolchain toolchain() {
        if (toolchain == null) {
            String version = firstLine(probe(clang, "--version"));
            List<String> flags = new ArrayList<>(FLAGS);
            String triple = firstLine(probe(clang, "-print-multiarch"));
            if (triple.isEmpty())
                triple = gccTriple();
            Path archInclude = Path.of("/usr/include", triple);
            List<Path> includeDirs = new ArrayList<>(List.of(Path.of("/usr/include")));
            if (!triple.isEmpty() && Files.isDirectory(archInclude)) {
                flags.add("-I" + archInclude);
                includeDirs.add(archInclude);
            }
            Path resourceDir = Path.of(firstLine(probe(clang, "-print-resource-dir")));
            toolchain = new Toolchain(version, List.copyOf(flags), resourceDir, List.copyOf(includeDirs));
        }
        return toolchain;
    }

    /** The sandbox, set up (and tested) before the first compile; a cache hit needs none. */
    private synchronized CompileSandbox sandbox(Toolchain tc) {
        if (sandbox == null)
            sandbox = CompileSandbox.prepare(CompileSandbox.which(clang), tc.resourceDir(), tc.includeDirs(),
                    CompileSandbox.Limits.forTimeout(timeout), PROBE_TIMEOUT);
        return sandbox;
    }

    private String probe(String... command) {
        CommandRunner.Result r;
        try {
            r = CommandRunner.run(List.of(command), null, PROBE_TIMEOUT, MAX_OUTPUT);
        } catch (IOException e) {
            throw new CompilerUnavailableException(command[0] + " not found: install clang (apt-get install clang)");
        }
        if (r.exitCode() != 0)
            throw new CompilerUnavailableException("`" + String.join(" ", command) + "` failed"
                    + (r.timedOut() ? " (timed out)" : " (exit " + r.exitCode() + ")") + ": " + r.output().strip());
        return r.output();
    }

    /** The target triple gcc reports, where clang has no multiarch notion ("" if gcc is missing too). */
    private static String gccTriple() {
        try {
            CommandRunner.Result r = CommandRunner.run(List.of("gcc", "-dumpmachine"), null, PROBE_TIMEOUT, MAX_OUTPUT);
            return r.exitCode() == 0 ? firstLine(r.output()) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String firstLine(String s) {
        return s.strip().lines().findFirst().orElse("").strip();
    }

    private void runClang(PolicySource src, Hook hook, Toolchain tc, Path out) throws IOException {
        Path workRoot = Files.createDirectories(cache.root().resolve("work"));
        Path work = Files.createTempDirectory(workRoot, "compile-"); // owner-only permissions
        try {
            Path policyDir = Files.createDirectory(work.resolve("policy"));
            Files.write(policyDir.resolve(src.fileName()), src.content());
            Path outDir = work.resolve("out");
            CompileSandbox sandbox = sandbox(tc);
            sandbox.prepare(policyDir, outDir);
            String policy = CompileSandbox.POLICY + "/" + src.fileName();
            List<String> args = new ArrayList<>(tc.flags());
            args.addAll(List.of("-fno-crash-diagnostics", "-I" + CompileSandbox.SDK + "/include",
                    "-I" + CompileSandbox.SDK + "/bpf", "-DSYRUP_POLICY_FILE=\"" + policy + "\"",
                    "-MD", "-MF", CompileSandbox.OUT + "/" + DEPENDENCIES,
                    "-c", CompileSandbox.SDK + "/bpf/" + hook.wrapperSource(),
                    "-o", CompileSandbox.OUT + "/" + OBJECT));
            CommandRunner.Result r;
            try {
                r = CommandRunner.run(sandbox.command(sdk.root(), policyDir, outDir, args), null, timeout, MAX_OUTPUT);
            } catch (IOException e) {
                throw new CompilerUnavailableException("the compile sandbox cannot start: " + e.getMessage());
            }
            String output = CompileSandbox.toDisplay(r.output(), policy, src.name());
            if (r.timedOut())
                throw new CompileException(src.name() + ": clang did not finish compiling the policy for "
                        + hook + " within " + timeout.toSeconds() + " s", List.of(),
                        ClangDiagnostics.policyOnly(output, src.name()));
            String limit = CompileSandbox.limitExceeded(r.exitCode(), output, sandbox.limits());
            if (limit != null)
                throw new CompileException(src.name() + ": clang was stopped compiling the policy for " + hook + ": "
                        + limit, List.of(), ClangDiagnostics.policyOnly(output, src.name()));
            if (r.exitCode() != 0)
                throw ClangDiagnostics.toException(output, src.name(), r.exitCode());
            Path deps = outDir.resolve(DEPENDENCIES);
            DependencyCheck.check(deps, policy, sandbox.headerRoots(), src.name());
            Files.copy(outDir.resolve(OBJECT), out, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            try {
                Sdk.deleteTree(work);
            } catch (IOException ignored) {
                // a leftover work dir holds only a copy of the source; it must not hide the result
            }
        }
    }
}
