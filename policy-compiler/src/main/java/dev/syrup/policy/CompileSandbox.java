package dev.syrup.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs clang in bubblewrap. The sandbox has every namespace of its own (mount, pid, network, ipc, uts,
 * cgroup; a user namespace too when the caller is not root), a new session, dies with its parent and holds
 * no capabilities. clang runs as the host's nobody (when the caller is root) under limits on CPU time,
 * address space, file size and processes. It sees only: the clang/LLVM installation (binaries, libraries,
 * resource dir), the shared libraries clang and the sandbox's helpers load, the kernel UAPI and libbpf
 * headers the SDK includes (linux/, asm/, asm-generic/, bpf/), the SDK read-only at /sdk, the policy
 * read-only at /policy and an empty writable /out. No /proc, /dev, /etc, /home, /root, /var, /run, /sys,
 * /tmp, no other header and no network (clang needs none of them; /dev/zero or /proc would be files an
 * include could read without end or that describe the machine).
 */
final class CompileSandbox {
    static final String SDK = "/sdk";
    static final String POLICY = "/policy";
    static final String OUT = "/out";
    static final int NOBODY = 65534;
    private static final String PATH = "/usr/bin";
    /** The headers under the system include directories the SDK needs; nothing else there is visible. */
    private static final List<String> HEADER_DIRS = List.of("linux", "asm", "asm-generic", "bpf");
    private static final Pattern LDD_LINE = Pattern.compile("^\\s*(?:\\S+ => )?(/\\S+) \\(0x[0-9a-f]+\\)$");
    private static final String HOW_TO_FIX = " Policies are compiled in a bubblewrap sandbox and never without it:"
            + " install bubblewrap (apt-get install bubblewrap) and util-linux; where syrup runs unprivileged (e.g."
            + " the operator's pod) the kernel must allow unprivileged user namespaces (Debian: sysctl"
            + " kernel.unprivileged_userns_clone=1) and the pod's securityContext must not forbid them (seccomp"
            + " profile Unconfined or one allowing clone/unshare with CLONE_NEWUSER).";

    /** Limits of one compile; time is the wall-clock timeout the caller enforces, also used as CPU seconds. */
    record Limits(Duration time, long addressSpaceBytes, long fileSizeBytes, int processes) {
        static Limits forTimeout(Duration timeout) {
            return new Limits(timeout, 1L << 30, 64L << 20, 256);
        }
    }

    private final Path bwrap;
    private final Path prlimit;
    private final Path setpriv; // null when not root: clang then runs as the caller, in a user namespace
    private final Path clang;
    private final List<Path> headerRoots;
    private final List<String> mounts;
    private final Limits limits;

    private CompileSandbox(Path bwrap, Path prlimit, Path setpriv, Path clang, List<Path> headerRoots,
                           List<String> mounts, Limits limits) {
        this.bwrap = bwrap;
        this.prlimit = prlimit;
        this.setpriv = setpriv;
        this.clang = clang;
        this.headerRoots = headerRoots;
        this.mounts = mounts;
        this.limits = limits;
    }

    /**
     * The sandbox for the clang at clangPath, exposing the given system include directories' SDK headers.
     *
     * @throws CompilerUnavailableException naming what is missing
     */
    static CompileSandbox prepare(Path clangPath, Path resourceDir, List<Path> includeDirs, Limits limits,
                                  Duration probeTimeout) {
        Path bwrap = executable("bwrap", "bubblewrap (apt-get install bubblewrap)");
        Path prlimit = executable("prlimit", "util-linux (apt-get install util-linux)");
        Path setpriv = isRoot() ? executable("setpriv", "util-linux (apt-get install util-linux)") : null;
        Path clang = realPath(clangPath);
        Path prefix = clang.getParent().getParent(); // e.g. /usr/lib/llvm-14 for /usr/lib/llvm-14/bin/clang
        Set<String> dirs = new LinkedHashSet<>();
        List<String> binds = new ArrayList<>();
        roBind(binds, dirs, prefix, prefix);
        if (!resourceDir.startsWith(prefix) && Files.isDirectory(resourceDir))
            roBind(binds, dirs, resourceDir, resourceDir);
        List<Path> programs = new ArrayList<>(List.of(clang, prlimit));
        if (setpriv != null)
            programs.add(setpriv);
        for (Path p : programs) {
            if (!p.startsWith(prefix))
                roBind(binds, dirs, p, p);
        }
        Set<Path> libraries = new LinkedHashSet<>();
        for (Path p : programs)
            libraries.addAll(sharedLibraries(p, probeTimeout));
        for (Path lib : libraries)
            roBind(binds, dirs, lib, realPath(lib.getParent()).resolve(lib.getFileName()));
        List<Path> headerRoots = new ArrayList<>();
        for (Path include : includeDirs) {
            for (String d : HEADER_DIRS) {
                Path dir = include.resolve(d);
                if (Files.isDirectory(dir)) {
                    roBind(binds, dirs, dir, dir);
                    headerRoots.add(dir);
                }
            }
        }
        headerRoots.add(resourceDir);
        List<String> mounts = new ArrayList<>();
        // Merged /usr: the loader finds /lib64/ld-linux... and /lib/<triple> through these links.
        for (String top : List.of("/lib", "/lib64", "/bin")) {
            Path p = Path.of(top);
            if (Files.isSymbolicLink(p)) {
                try {
                    mounts.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        // bwrap makes missing parents of a mount point owner-only; nobody must traverse them.
        dirs.add(SDK);
        dirs.add(POLICY);
        dirs.add(OUT);
        for (String d : dirs)
            mounts.addAll(List.of("--perms", "0755", "--dir", d));
        mounts.addAll(binds);
        CompileSandbox sandbox = new CompileSandbox(bwrap, prlimit, setpriv, clang, List.copyOf(headerRoots),
                List.copyOf(mounts), limits);
        sandbox.selfTest(probeTimeout);
        return sandbox;
    }

    /** The sandbox's path of clang (its real path on the host). */
    Path clang() { return clang; }

    /** Directories whose headers the compile may read besides the policy and the SDK. */
    List<Path> headerRoots() { return headerRoots; }

    Limits limits() { return limits; }

    /** Whether clang runs as nobody (the caller is root). */
    boolean dropsToNobody() { return setpriv != null; }

    /**
     * The command that runs clang with args in the sandbox: sdkRoot at /sdk and policyDir at /policy
     * read-only, outDir at /out writable.
     */
    List<String> command(Path sdkRoot, Path policyDir, Path outDir, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(bwrap.toString(),
                "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                "--die-with-parent", "--new-session"));
        if (setpriv != null) {
            // As root bwrap needs no user namespace; it keeps only what setpriv needs to become nobody.
            cmd.addAll(List.of("--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"));
        } else {
            cmd.addAll(List.of("--unshare-user", "--cap-drop", "ALL"));
        }
        cmd.addAll(mounts);
        cmd.addAll(List.of("--ro-bind", sdkRoot.toString(), SDK, "--ro-bind", policyDir.toString(), POLICY,
                "--bind", outDir.toString(), OUT, "--chdir", "/",
                "--clearenv", "--setenv", "PATH", PATH, "--setenv", "LC_ALL", "C", "--"));
        cmd.addAll(List.of(prlimit.toString(), "--cpu=" + Math.max(1, limits.time().toSeconds()),
                "--as=" + limits.addressSpaceBytes(), "--fsize=" + limits.fileSizeBytes(),
                "--nproc=" + limits.processes(), "--"));
        if (setpriv != null)
            cmd.addAll(List.of(setpriv.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"));
        cmd.add(clang.toString());
        cmd.addAll(args);
        return cmd;
    }

    /** Makes a fresh compile directory usable in the sandbox: policyDir readable, outDir writable by clang. */
    void prepare(Path policyDir, Path outDir) throws IOException {
        Files.setPosixFilePermissions(policyDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var files = Files.list(policyDir)) {
            for (Path f : files.toList())
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.createDirectory(outDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (setpriv != null) {
            Files.setAttribute(outDir, "unix:uid", NOBODY);
            Files.setAttribute(outDir, "unix:gid", NOBODY);
        }
    }

    /** Runs clang --version in the sandbox, so a sandbox that cannot start fails before any policy. */
    private void selfTest(Duration timeout) {
        Path empty;
        try {
            empty = Files.createTempDirectory("syrup-sandbox-probe-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory to test the compile sandbox in", e);
        }
        try {
            Path policyDir = Files.createDirectory(empty.resolve("policy"));
            Path outDir = empty.resolve("out");
            prepare(policyDir, outDir);
            CommandRunner.Result r = CommandRunner.run(command(empty, policyDir, outDir, List.of("--version")), null,
                    timeout, PolicyCompiler.MAX_OUTPUT);
            if (r.exitCode() != 0 || !r.output().contains("clang version"))
                throw new CompilerUnavailableException("the compile sandbox does not start ("
                        + (r.timedOut() ? "timed out" : "exit " + r.exitCode()) + "): "
                        + r.output().strip().lines().findFirst().orElse("") + "." + HOW_TO_FIX);
        } catch (IOException e) {
            throw new CompilerUnavailableException("the compile sandbox does not start: " + e.getMessage() + "." + HOW_TO_FIX);
        } finally {
            try {
                Sdk.deleteTree(empty);
            } catch (IOException ignored) {
                // an empty probe directory left behind is harmless
            }
        }
    }

    private static void roBind(List<String> binds, Set<String> dirs, Path source, Path target) {
        for (Path p = target.getParent(); p != null && p.getParent() != null; p = p.getParent())
            dirs.add(p.toString());
        binds.addAll(List.of("--ro-bind", source.toString(), target.toString()));
    }

    /** The shared libraries a program loads, as ldd reports them (the dynamic loader included). */
    private static List<Path> sharedLibraries(Path program, Duration timeout) {
        CommandRunner.Result r;
        try {
            r = CommandRunner.run(List.of("ldd", program.toString()), null, timeout, PolicyCompiler.MAX_OUTPUT);
        } catch (IOException e) {
            throw new CompilerUnavailableException("ldd not found: the compile sandbox needs it to find the"
                    + " libraries of " + program + " (apt-get install libc-bin)");
        }
        List<Path> libs = new ArrayList<>();
        for (String line : r.output().split("\\R")) {
            Matcher m = LDD_LINE.matcher(line);
            if (m.matches())
                libs.add(Path.of(m.group(1)));
        }
        if (r.exitCode() != 0 || libs.isEmpty())
            throw new CompilerUnavailableException("cannot list the libraries of " + program + " with ldd: "
                    + r.output().strip());
        return libs;
    }

    private static Path executable(String name, String install) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (dir.isEmpty())
                continue;
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p))
                return realPath(p);
        }
        throw new CompilerUnavailableException(name + " not found: policies are compiled in a sandbox and never"
                + " without it; install " + install);
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new CompilerUnavailableException("cannot resolve " + p + ": " + e.getMessage());
        }
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Resolves a command name the way a shell would, for clang given as "clang". */
    static Path which(String command) {
        if (command.contains("/"))
            return realPath(Path.of(command));
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command)))
                return realPath(Path.of(dir, command));
        }
        throw new CompilerUnavailableException(command + " not found: install clang (apt-get install clang)");
    }

    /**
     * clang's output with the sandbox's paths as the user should see them: the policy under its display
     * name, SDK files by their names. One pass, so a display name that looks like a sandbox path stays as is.
     */
    static String toDisplay(String output, String policyPath, String displayName) {
        Pattern paths = Pattern.compile(Pattern.quote(policyPath) + "|" + Pattern.quote(SDK + "/bpf/") + "|"
                + Pattern.quote(SDK + "/include/") + "|" + Pattern.quote(POLICY + "/") + "|" + Pattern.quote(OUT + "/"));
        return paths.matcher(output).replaceAll(m -> Matcher.quoteReplacement(
                m.group().equals(policyPath) ? displayName : ""));
    }

    /** Which of the sandbox's limits stopped clang, from its exit status and output; null if none did. */
    static String limitExceeded(int exitCode, String output, Limits limits) {
        if (exitCode == 128 + 24 || exitCode == 128 + 9) // SIGXCPU at the soft limit, SIGKILL at the hard one
            return "it used up its CPU time limit of " + limits.time().toSeconds() + " s";
        if (exitCode == 128 + 25 || output.contains("File too large"))
            return "its output reached the file size limit of " + (limits.fileSizeBytes() >> 20) + " MiB";
        // Java ignores SIGXFSZ and its children inherit that: the write past the limit fails instead
        if (output.contains("IO failure on output stream"))
            return "it could not write the object (the file size limit is " + (limits.fileSizeBytes() >> 20)
                    + " MiB; or the disk is full)";
        if (output.contains("out of memory") || output.contains("std::bad_alloc") || output.contains("Allocation failed"))
            return "it reached the memory (address space) limit of " + (limits.addressSpaceBytes() >> 20) + " MiB";
        return null;
    }
}
