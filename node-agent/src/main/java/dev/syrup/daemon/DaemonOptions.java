package dev.syrup.daemon;

import java.nio.file.Path;

/** Where syrupd listens and keeps its state, as `syrup daemon` was told. */
public record DaemonOptions(Path socket, Path pinRoot, Path stateDir, Path cacheDir) {}
