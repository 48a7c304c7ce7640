package dev.syrup.daemon;

/** Placeholder for syrupd, which is built separately; `syrup daemon` calls main. */
public final class Syrupd {
    public static void main(DaemonOptions o) throws Exception {
        throw new UnsupportedOperationException("syrupd is not built yet");
    }
}
