package dev.syrup.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads libsyrupjni.so: from the path in system property {@code syrup.jni.path} if set, else
 * extracted from the jar (META-INF/native). A failure is recorded once so callers can report a
 * clear condition instead of crashing.
 */
public final class NativeLibrary {
    private static final String RESOURCE = "/META-INF/native/libsyrupjni.so";
    private static final Throwable UNAVAILABILITY_CAUSE = load();

    private NativeLibrary() {}

    private static Throwable load() {
        try {
            String path = System.getProperty("syrup.jni.path");
            if (path == null) {
                path = extract().toString();
            }
            System.load(path);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static Path extract() throws IOException {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is not on the classpath (build it with: make -C native)");
            }
            Path file = Files.createTempFile("libsyrupjni", ".so");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            return file;
        }
    }

    /** ensureAvailable throws with the original cause if the library could not be loaded. */
    public static void ensureAvailable() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw new IllegalStateException("the Syrup native library is not available: " + UNAVAILABILITY_CAUSE,
                    UNAVAILABILITY_CAUSE);
        }
    }
}
