package dev.syrup.examples.kvserver;

import java.nio.file.Path;

/** Starting Java programs of this module in processes of their own. */
final class Jvm {
    private Jvm() {}

    static String java() { return Path.of(System.getProperty("java.home"), "bin", "java").toString(); }

    /** The test classpath: this module, syrupd and their dependencies. */
    static String classpath() { return System.getProperty("java.class.path"); }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
