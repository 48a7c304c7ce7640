package dev.syrup.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the test applications built from native/testapps (directory in system property {@value #PROPERTY}). */
public final class TestApps {
    public static final String PROPERTY = "syrup.testapps";
    public static final String UDP_WORKERS = "udp_workers";
    public static final String UDP_SEND = "udp_send";
    public static final String SYRUP_CTL = "syrup_ctl";
    public static final String XSK_WORKERS = "xsk_workers";

    private TestApps() {}

    /** The directory holding the built test applications. */
    public static Path dir() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            throw new IllegalStateException("system property " + PROPERTY
                    + " is not set (the node-agent pom sets it for surefire; run make -C native first)");
        }
        return Path.of(dir).toAbsolutePath().normalize();
    }

    /** The executable for a test application, e.g. {@link #UDP_WORKERS}. */
    public static Path binary(String name) {
        Path p = dir().resolve(name);
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            throw new IllegalStateException("test application " + p + " is not built: run make -C native");
        }
        return p;
    }
}
