package dev.syrup.images;

import dev.syrup.images.testing.Images;
import dev.syrup.images.testing.OneShot;
import dev.syrup.images.testing.WithImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent image as the chart runs it (privileged, read-only root filesystem, the node's bpffs, writable /tmp and
 * /var/cache/syrup): its syrup CLI compiles a policy with the image's clang and SDK and runs the kernel's verifier on
 * it, and reports a policy's own faults by file and line.
 */
@ExtendWith(WithImages.class)
class AgentImageTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    /** A directory of the node's bpffs, the container's /sys/fs/bpf (scratch maps of `check` go below it). */
    private static Path bpffs;

    @TempDir
    Path policies;

    @BeforeAll
    static void bpffs() throws IOException {
        bpffs = Files.createDirectory(Path.of("/sys/fs/bpf", "syrup-image-test-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    @AfterAll
    static void removeBpffs() throws IOException {
        try (Stream<Path> paths = Files.walk(bpffs)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void checksAnExamplePolicy() throws IOException {
        Files.copy(Images.root().resolve("examples/policies/round_robin.c"), policies.resolve("round_robin.c"));

        OneShot r = check("round_robin.c");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).as(r.toString()).isEqualTo("/policies/round_robin.c: ok (socket-select, xdp-cpu, xdp-socket)\n");
        try (Stream<Path> left = Files.walk(bpffs)) {
            assertThat(left.filter(p -> !Files.isDirectory(p)).toList()).as("scratch pins left in bpffs").isEmpty();
        }
    }

    @Test
    void compileErrorNamesThePolicysFileAndLine() throws IOException {
        Files.writeString(policies.resolve("broken.c"), """
                #include "syrup.h"

                uint32_t schedule(void *pkt_start, void *pkt_end)
                {
                	return no_such_counter % syrup_executors();
                }
                """);

        OneShot r = check("broken.c");

        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.stderr()).as(r.toString()).contains("broken.c:5:").contains("no_such_counter");
    }

    @Test
    void verifierRejectionNamesThePolicysFileAndLine() throws IOException {
        Files.copy(Images.root().resolve("node-agent/src/test/resources/policies/unchecked_read.c"), policies.resolve("unchecked_read.c"));

        OneShot r = check("unchecked_read.c");

        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.stderr()).as(r.toString()).contains("unchecked_read.c:7: verifier rejected");
    }

    /** `syrup check /policies/NAME` in the agent image, with the chart's container settings. */
    private OneShot check(String name) {
        GenericContainer<?> agent = WithImages.container(Images.reference(Images.AGENT))
                .withCommand("check", "/policies/" + name)
                .withPrivilegedMode(true)
                .withNetworkMode("none")
                .withFileSystemBind(policies.toString(), "/policies", BindMode.READ_ONLY)
                .withFileSystemBind(bpffs.toString(), "/sys/fs/bpf", BindMode.READ_WRITE)
                .withTmpFs(Map.of("/tmp", "rw", "/var/cache/syrup", "rw"))
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withReadonlyRootfs(true));
        return OneShot.run(agent, TIMEOUT);
    }
}
