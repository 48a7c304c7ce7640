package dev.syrup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.Json;
import dev.syrup.api.PolicyText;
import dev.syrup.api.Request;
import dev.syrup.testing.Exec;
import dev.syrup.testing.UdpWorkers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every policy of the hostile-policies corpus (see its README.md) is refused by `syrup check` and by a
 * real syrupd with the error its first line states; no refusal quotes a byte of the canary file the test
 * plants or a line of /etc/passwd; nothing is compiled, loaded or pinned; the running round robin keeps
 * steering exactly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostilePolicyCorpusTest {
    private static final Path HOME = Path.of(System.getProperty("syrup.home"));
    /** The file the corpus tries to read (README.md). */
    private static final Path CANARY = Path.of("/tmp/syrup-hostile-canary/secret");
    private static final List<String> JVM_OPTIONS = List.of("-Dsyrup.compile.timeoutSeconds=20");
    private static final int SECOND_PORT = SteeredServer.PORT + 1;
    /** The corpus may only grow: raise this as files are added. */
    private static final int MIN_CORPUS = 24;
    private static final Pattern EXPECT = Pattern.compile("^// expect: (\\S+) (\\d+|-) (.+)$");
    private static final Pattern PROG_ID = Pattern.compile("(?m)^prog_id:\\s+(\\d+)$");

    private SteeredServer app;
    private RawClient client;
    private Path cliCache;
    private String canary;
    private List<String> passwdLines;

    record HostilePolicy(Path path, String file, String kind, Integer line, String substring) {
        @Override
        public String toString() { return file; }
    }

    @BeforeAll
    void start() throws IOException {
        canary = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
        Files.createDirectories(CANARY.getParent());
        Files.writeString(CANARY, "#define SECRET " + canary + "\n" + canary + "\n");
        passwdLines = Files.readAllLines(Path.of("/etc/passwd")).stream().filter(l -> l.length() > 8).toList();
        cliCache = Files.createTempDirectory("syrup-hostile-cli-cache");
        app = new SteeredServer(JVM_OPTIONS);
        app.track(UdpWorkers.start(app.ns, "127.0.0.1", SECOND_PORT, 2));
        client = app.track(new RawClient(app.syrupd.socket));
    }

    @AfterAll
    void stop() throws IOException {
        if (app != null) {
            app.close();
        }
        Files.deleteIfExists(CANARY);
        if (cliCache != null) {
            try (Stream<Path> s = Files.walk(cliCache)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void corpusCannotShrinkSilently() {
        assertThat(corpusFiles()).hasSizeGreaterThanOrEqualTo(MIN_CORPUS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedBySyrupCheck(HostilePolicy p) throws IOException {
        long objects = objectsIn(cliCache);
        List<String> cmd = new ArrayList<>(List.of(HOME.resolve("bin/syrup").toString(), "check", p.path().toString(),
                "--hook", "socket-select", "--cache-dir", cliCache.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JAVA_OPTS", String.join(" ", JVM_OPTIONS));
        Exec.Result r = Exec.run(pb, Duration.ofSeconds(120));

        assertThat(r.exitCode()).as("exit code of syrup check: %s", r.stderr()).isEqualTo(1);
        String message = r.stderr();
        assertThat(message).contains(p.substring());
        if (p.line() != null) {
            assertThat(message).contains(p.path() + ":" + p.line() + ": ");
        }
        assertThat(message.contains(": forbidden: ")).as("forbidden in %s", message).isEqualTo(p.kind().equals("forbidden"));
        assertQuotesNoOtherFile(r.stdout() + r.stderr());
        assertThat(objectsIn(cliCache)).as("objects compiled").isEqualTo(objects);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedBySyrupdAndChangesNothing(HostilePolicy p) throws IOException {
        Set<String> pinsBefore = tree(app.syrupd.pinRoot);
        Set<Long> programsBefore = programsHeldBy(app.syrupd.pid());

        String raw = client.send(Json.MAPPER.writeValueAsString(Request.deploy(
                new PolicyText(p.file(), Files.readString(p.path(), StandardCharsets.ISO_8859_1)),
                List.of(app.hook(SECOND_PORT))))).toString();
        JsonNode r = Json.MAPPER.readTree(raw);

        assertThat(r.path("ok").asBoolean()).as("ok in %s", r).isFalse();
        JsonNode error = r.path("error");
        String message = error.path("message").asText();
        assertThat(error.path("kind").asText()).as("kind of %s", error).isEqualTo(p.kind());
        assertThat(message).contains(p.substring()).startsWith(p.file());
        if (p.line() != null) {
            assertThat(error.path("line").asInt()).as("line of %s", message).isEqualTo(p.line());
            assertThat(message).startsWith(p.file() + ":" + p.line() + ": ");
        } else {
            assertThat(error.has("line")).as("a line in %s", error).isFalse();
        }
        assertQuotesNoOtherFile(raw);
        assertQuotesNoOtherFile(app.syrupd.log());

        assertThat(tree(app.syrupd.pinRoot)).as("pins").isEqualTo(pinsBefore);
        assertThat(programsHeldBy(app.syrupd.pid())).as("programs syrupd holds").isEqualTo(programsBefore);
        app.assertOnlyTheRoundRobin(client);
        app.assertSteersExactly();
    }

    private void assertQuotesNoOtherFile(String text) {
        assertThat(text).doesNotContain(canary);
        for (String line : passwdLines) {
            assertThat(text).as("a line of /etc/passwd").doesNotContain(line);
        }
    }

    Stream<HostilePolicy> corpus() { return corpusFiles().stream().map(HostilePolicyCorpusTest::parse); }

    private static List<Path> corpusFiles() {
        try (Stream<Path> files = Files.list(Path.of(HostilePolicyCorpusTest.class.getResource("/hostile-policies").toURI()))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".c")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HostilePolicy parse(Path file) {
        String name = file.getFileName().toString();
        String first;
        try (Stream<String> lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
            first = lines.findFirst().orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = EXPECT.matcher(first);
        if (!m.matches()) {
            throw new IllegalArgumentException(name + ": the first line must be // expect: KIND LINE|- SUBSTRING");
        }
        return new HostilePolicy(file, name, m.group(1), m.group(2).equals("-") ? null : Integer.valueOf(m.group(2)),
                m.group(3));
    }

    /** Every path under root, relative to it. */
    private static Set<String> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return new TreeSet<>(s.map(p -> root.relativize(p).toString()).toList());
        }
    }

    /** The ids of the BPF programs a process holds file descriptors of. */
    private static Set<Long> programsHeldBy(long pid) throws IOException {
        Set<Long> ids = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fdinfo"))) {
            for (Path fd : fds.toList()) {
                String info;
                try {
                    info = Files.readString(fd);
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                Matcher m = PROG_ID.matcher(info);
                while (m.find()) {
                    ids.add(Long.parseLong(m.group(1)));
                }
            }
        }
        return ids;
    }

    private static long objectsIn(Path cache) throws IOException {
        Path objects = cache.resolve("objects").resolve("objects");
        if (!Files.isDirectory(objects)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(objects)) {
            return s.filter(p -> p.toString().endsWith(".o")).count();
        }
    }
}
