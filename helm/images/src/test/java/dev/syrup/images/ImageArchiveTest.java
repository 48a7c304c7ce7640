package dev.syrup.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syrup.images.testing.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archives make images writes: named as the chart's defaults resolve (for podman/docker load and for containerd's
 * import), configured as the chart expects, and reproducible (the same inputs give the same bytes).
 */
class ImageArchiveTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void archivesNameTheChartsImagesForBothLoaders() {
        for (String name : List.of(Images.AGENT, Images.OPERATOR)) {
            Path archive = Images.archive(name);
            JsonNode docker = read(archive, "manifest.json");
            assertThat(docker.at("/0/RepoTags/0").asText()).isEqualTo(Images.reference(name));
            assertThat(docker.at("/0/Layers")).hasSize(2);
            JsonNode index = read(archive, "index.json");
            assertThat(index.at("/manifests/0/annotations/io.containerd.image.name").asText()).isEqualTo(Images.reference(name));
            JsonNode manifest = read(archive, blob(index.at("/manifests/0/digest").asText()));
            assertThat(manifest.at("/layers/0/digest").asText()).as("the shared base layer")
                    .isEqualTo(read(Images.archive(Images.AGENT), blob(read(Images.archive(Images.AGENT), "index.json")
                            .at("/manifests/0/digest").asText())).at("/layers/0/digest").asText());
        }
    }

    @Test
    void configsRunAsTheChartExpects() {
        JsonNode agent = config(Images.archive(Images.AGENT));
        assertThat(agent.at("/config/User").asText()).isEqualTo("0:0");
        assertThat(agent.at("/config/Entrypoint/0").asText()).isEqualTo("/opt/syrup/bin/syrup");
        JsonNode operator = config(Images.archive(Images.OPERATOR));
        assertThat(operator.at("/config/User").asText()).isEqualTo("185:185");
        assertThat(operator.at("/config/Entrypoint").toString()).contains("-jar /deployments/quarkus-run.jar");
        assertThat(operator.at("/config/ExposedPorts").has("8080/tcp")).isTrue();
        for (JsonNode c : List.of(agent, operator)) {
            assertThat(c.at("/config/Labels/org.opencontainers.image.version").asText()).isEqualTo(Images.version());
        }
    }

    @Test
    void sameInputsGiveTheSameArchive(@TempDir Path first, @TempDir Path second) {
        build(first);
        build(second);
        Path a = first.resolve(Images.AGENT + "-" + Images.version() + ".tar");
        Path b = second.resolve(Images.AGENT + "-" + Images.version() + ".tar");
        assertThat(sha256(a)).isEqualTo(sha256(b));
        assertThat(config(a)).isEqualTo(config(b));
    }

    /** build.sh agent into out, from the same jars, with a fixed SOURCE_DATE_EPOCH. */
    private static void build(Path out) {
        ProcessBuilder pb = new ProcessBuilder(Images.root().resolve("helm/images/build.sh").toString(), "agent")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("SYRUP_IMAGE_OUT", out.toString());
        pb.environment().put("SOURCE_DATE_EPOCH", "1700000000");
        assertThat(exec(pb)).isZero();
    }

    private static JsonNode config(Path archive) {
        JsonNode index = read(archive, "index.json");
        JsonNode manifest = read(archive, blob(index.at("/manifests/0/digest").asText()));
        return read(archive, blob(manifest.at("/config/digest").asText()));
    }

    private static String blob(String digest) {
        return "blobs/sha256/" + digest.substring("sha256:".length());
    }

    /** A JSON member of the archive (tar -xO). */
    private static JsonNode read(Path archive, String member) {
        ProcessBuilder pb = new ProcessBuilder("tar", "-xOf", archive.toString(), member);
        try {
            Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
            JsonNode json = JSON.readTree(p.getInputStream());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("tar -xOf %s %s", archive, member).isZero();
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int exec(ProcessBuilder pb) {
        try {
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(pb.command() + " timed out");
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(Path file) {
        try (var in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
