package dev.syrup.daemon;

import java.nio.file.Path;

/** Where syrupd listens and keeps its state. */
public record DaemonOptions(Path socket, Path pinRoot, Path stateDir, Path cacheDir) {
    public static final Path DEFAULT_SOCKET = Path.of("/run/syrup/syrupd.sock");
    public static final Path DEFAULT_STATE = Path.of("/run/syrup/state");
    public static final Path DEFAULT_CACHE = Path.of("/var/cache/syrup");
}
