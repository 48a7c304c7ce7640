package dev.syrup.images.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The image archives make images writes (build/images/NAME-APPVERSION.tar) and the references they carry. */
public final class Images {
    public static final String AGENT = "syrup-agent";
    public static final String OPERATOR = "syrup-operator";

    private Images() {}

    /** The checkout's root (this module lives in helm/images). */
    public static Path root() {
        return Path.of("").toAbsolutePath().resolve("../..").normalize();
    }

    /** The chart's appVersion, the images' tag. */
    public static String version() {
        try {
            Matcher m = Pattern.compile("(?m)^appVersion:\\s*\"?([^\"\\s]+)\"?\\s*$")
                    .matcher(Files.readString(root().resolve("helm/syrup/Chart.yaml")));
            if (!m.find()) {
                throw new IllegalStateException("no appVersion in helm/syrup/Chart.yaml");
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** docker.io/syrup/NAME:APPVERSION, the reference the chart's default repository resolves to. */
    public static String reference(String name) {
        return "docker.io/syrup/" + name + ":" + version();
    }

    public static Path archive(String name) {
        Path archive = root().resolve("build/images").resolve(name + "-" + version() + ".tar");
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException(archive + " is missing: build the images with make images (make test does)");
        }
        return archive;
    }
}
