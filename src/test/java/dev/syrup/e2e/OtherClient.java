package dev.syrup.e2e;

import dev.syrup.testing.Exec;
import dev.syrup.testing.TestApps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A client of syrupd that is not the test: syrup_ctl (the C client library's front end) run in a
 * cgroup v2 of its own, or as another user.
 */
final class OtherClient {
    private final Path socket;
    private final List<String> prefix;
    private final Path binary;

    private OtherClient(Path socket, List<String> prefix, Path binary) {
        this.socket = socket;
        this.prefix = prefix;
        this.binary = binary;
    }

    /** inCgroup runs each command inside the cgroup v2 group name (created if needed). */
    static OtherClient inCgroup(Path socket, String name) {
        Path group = cgroup2Mount().resolve(name);
        try {
            Files.createDirectories(group);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new OtherClient(socket, List.of("sh", "-c",
                "echo $$ > " + group.resolve("cgroup.procs") + " && exec \"$0\" \"$@\""),
                TestApps.binary(TestApps.SYRUP_CTL));
    }

    /**
     * asUser runs each command with uid and gid uid. The checkout may sit where that user cannot
     * reach (under /root), so the client runs from a copy in a directory anyone can enter.
     */
    static OtherClient asUser(Path socket, int uid) {
        try {
            Path dir = Files.createTempDirectory("syrup-ctl");
            dir.toFile().setExecutable(true, false);
            dir.toFile().setReadable(true, false);
            Path copy = Files.copy(TestApps.binary(TestApps.SYRUP_CTL), dir.resolve("syrup_ctl"));
            copy.toFile().setExecutable(true, false);
            copy.toFile().setReadable(true, false);
            return new OtherClient(socket, List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"), copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Exec.Result run(String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(binary.toString());
        cmd.add("--socket");
        cmd.add(socket.toString());
        cmd.addAll(List.of(args));
        return Exec.run(new ProcessBuilder(cmd), Duration.ofSeconds(30));
    }

    /** The cgroup v2 hierarchy: /sys/fs/cgroup on a pure v2 host, elsewhere on a hybrid one. */
    static Path cgroup2Mount() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) {
                    return Path.of(f[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no cgroup v2 hierarchy is mounted");
    }
}
