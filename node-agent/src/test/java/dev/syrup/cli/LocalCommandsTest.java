package dev.syrup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.Json;
import dev.syrup.bpf.Bpffs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `syrup check` and `syrup test` for real: clang, the verifier and BPF_PROG_TEST_RUN (needs root). */
class LocalCommandsTest {
    private static Path cache;
    private static Path pinRoot;

    @BeforeAll
    static void setUp() throws IOException {
        cache = Files.createTempDirectory("syrup-cli-cache");
        pinRoot = Path.of("/sys/fs/bpf/syrup-cli-test-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @AfterAll
    static void tearDown() throws IOException {
        Bpffs.removeTree(pinRoot);
        try (var files = Files.walk(cache)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static CliRun syrup(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--cache-dir", cache.toString(), "--pin-root", pinRoot.toString()));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static String example(String name) {
        return Path.of(System.getProperty("syrup.examples"), "policies", name).toString();
    }

    private static String testPolicy(String name) {
        try {
            return Path.of(LocalCommandsTest.class.getResource("/policies/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void checkPassesAGoodPolicyAtBothHooks() {
        CliRun r = syrup("check", example("count_packets.c"));
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(example("count_packets.c") + ": ok (socket-select, xdp-cpu, xdp-socket)\n");
        assertThat(syrup("check", example("round_robin.c"), "--hook", "xdp-cpu").out()).endsWith(": ok (xdp-cpu)\n");
        assertNoResidue();
    }

    @Test
    void checkNamesTheLineOfAVerifierRejection() {
        CliRun r = syrup("check", testPolicy("unchecked_read.c"));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("syrup: " + testPolicy("unchecked_read.c") + ":7: verifier rejected program")
                .contains("uint8_t first = *(uint8_t *)pkt_start;");
        assertNoResidue();
    }

    @Test
    void checkNamesTheLineOfACompileError() {
        CliRun r = syrup("check", testPolicy("syntax_error.c"), "--hook", "socket-select");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).startsWith("syrup: " + testPolicy("syntax_error.c") + ":7:").contains("expected ';'");
    }

    @Test
    void checkOfAMissingFileFails() {
        CliRun r = syrup("check", "/nonexistent/policy.c");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).startsWith("syrup: cannot read /nonexistent/policy.c");
    }

    @Test
    void testPrintsTheDecisionForEachPayload() {
        CliRun r = syrup("test", example("route_by_first_byte.c"), "--hook", "socket-select",
                "--payload", "hex:02", "--payload", "hex:00", "--payload", "hex:09", "--executors", "4");
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("""
                payload hex:02 -> executor 2
                payload hex:00 -> executor 0
                payload hex:09 -> PASS
                """);
        assertNoResidue();
    }

    @Test
    void testShowsTextPayloadsAndSpecialOutcomes() {
        assertThat(syrup("test", example("round_robin.c"), "--hook", "xdp-cpu", "--executors", "3",
                "--payload", "GET a", "--payload", "GET b", "--payload-hex", "0a0b", "--payload", "GET d").out())
                .isEqualTo("""
                        payload "GET a" -> executor 0
                        payload "GET b" -> executor 1
                        payload hex:0a0b -> executor 2
                        payload "GET d" -> executor 0
                        """);
        assertThat(syrup("test", testPolicy("drop_all.c"), "--hook", "xdp-cpu", "--payload", "x").out())
                .isEqualTo("payload \"x\" -> DROP\n");
        assertThat(syrup("test", testPolicy("out_of_range.c"), "--hook", "xdp-cpu", "--payload", "x").out())
                .isEqualTo("payload \"x\" -> FALLBACK\n");
    }

    @Test
    void testJson() {
        CliRun r = syrup("test", example("route_by_first_byte.c"), "--hook", "xdp-cpu", "--payload-hex", "01",
                "--payload-hex", "ff", "--json");
        JsonNode json = read(r.out());
        assertThat(json.get("hook").asText()).isEqualTo("xdp-cpu");
        assertThat(json.get("executors").asInt()).isEqualTo(4);
        assertThat(json.at("/results/0/payload").asText()).isEqualTo("01");
        assertThat(json.at("/results/0/decision").asText()).isEqualTo("executor");
        assertThat(json.at("/results/0/executor").asInt()).isEqualTo(1);
        assertThat(json.at("/results/1/decision").asText()).isEqualTo("pass");
        assertThat(json.at("/results/1/executor").isMissingNode()).isTrue();
    }

    @Test
    void testOfARejectedPolicyFails() {
        CliRun r = syrup("test", testPolicy("unchecked_read.c"), "--hook", "xdp-cpu", "--payload", "x");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).contains("unchecked_read.c:7: verifier rejected");
        CliRun bad = syrup("test", example("round_robin.c"), "--hook", "xdp-cpu", "--payload-hex", "zz");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("bad payload");
    }

    private static void assertNoResidue() {
        for (String scratch : List.of("checks", "test-runs")) {
            assertThat(Bpffs.list(pinRoot.resolve(scratch))).as(scratch).isEmpty();
        }
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
