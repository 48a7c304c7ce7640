package dev.syrup.e2e;

import dev.syrup.daemon.DaemonOptions;
import dev.syrup.daemon.Syrupd;
import java.nio.file.Path;

/** Runs syrupd in its own process for the tests: socket, pin root, state dir, cache dir. */
public final class SyrupdMain {
    private SyrupdMain() {}

    public static void main(String[] args) throws Exception {
        Syrupd.main(new DaemonOptions(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3])));
    }
}
