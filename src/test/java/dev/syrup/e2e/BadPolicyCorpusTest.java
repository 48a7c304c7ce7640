package dev.syrup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.Json;
import dev.syrup.api.PolicyText;
import dev.syrup.api.Request;
import dev.syrup.testing.UdpWorkers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
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
 * Every policy of the bad-policies corpus (see its README.md) is refused by a real syrupd with the
 * error its first line states, and changes nothing: the running round robin keeps its pins, its
 * place in list and status, and steers exactly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadPolicyCorpusTest {
    /** Where the bad policies are sent: an application runs there, so a good policy would deploy. */
    private static final int SECOND_PORT = SteeredServer.PORT + 1;
    private static final int MIN_CORPUS = 30;
    private static final Pattern EXPECT = Pattern.compile("^// expect: (\\S+) (\\d+|-) (.+)$");
    private static final Pattern PADDED = Pattern.compile("^// send: padded to (\\d+) bytes");
    private static final Pattern RAW_BYTE = Pattern.compile("<0x([0-9a-f]{2})>");

    private SteeredServer app;
    private RawClient client;

    /** One corpus file: what to send and the error it must get. line is null when the error has none. */
    record BadPolicy(String file, String kind, Integer line, String substring, String source) {
        @Override
        public String toString() { return file; }
    }

    @BeforeAll
    void start() {
        app = new SteeredServer();
        app.track(UdpWorkers.start(app.ns, "127.0.0.1", SECOND_PORT, 2));
        client = app.track(new RawClient(app.syrupd.socket));
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void corpusCannotShrinkSilently() {
        assertThat(corpusFiles()).hasSizeGreaterThanOrEqualTo(MIN_CORPUS);
    }

    @Test
    void aGoodPolicyDeploysWhereTheBadOnesAreSent() throws IOException {
        JsonNode d = client.request(Request.deploy(DaemonTest.example("random.c"), List.of(app.hook(SECOND_PORT))));
        client.request(Request.remove(d.path("id").asText(), false));
        app.assertOnlyTheRoundRobin(client);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedWithItsErrorAndChangesNothing(BadPolicy p) throws JsonProcessingException {
        JsonNode r = client.send(Json.MAPPER.writeValueAsString(
                Request.deploy(new PolicyText(p.file(), p.source()), List.of(app.hook(SECOND_PORT)))));

        assertThat(r.path("ok").asBoolean()).as("ok in %s", r).isFalse();
        JsonNode error = r.path("error");
        String message = error.path("message").asText();
        assertThat(error.path("kind").asText()).as("kind of %s", error).isEqualTo(p.kind());
        assertThat(message).contains(p.substring());
        if (p.line() != null) {
            assertThat(error.path("line").isInt()).as("line in %s", error).isTrue();
            assertThat(error.path("line").asInt()).as("line of %s", message).isEqualTo(p.line());
            assertThat(message).contains(p.file() + ":" + p.line());
        } else {
            assertThat(error.has("line")).as("a line in %s", error).isFalse();
        }
        if (p.kind().equals("compile") || p.kind().equals("verifier")) {
            assertThat(error.path("file").asText()).isEqualTo(p.file());
            assertThat(message).contains(p.file());
        }

        app.assertOnlyTheRoundRobin(client);
        app.assertSteersExactly();
    }

    Stream<BadPolicy> corpus() { return corpusFiles().stream().map(BadPolicyCorpusTest::parse); }

    private static List<Path> corpusFiles() {
        try (Stream<Path> files = Files.list(Path.of(BadPolicyCorpusTest.class.getResource("/bad-policies").toURI()))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".c")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BadPolicy parse(Path file) {
        String name = file.getFileName().toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        Matcher m = EXPECT.matcher(lines.isEmpty() ? "" : lines.get(0));
        if (!m.matches()) {
            throw new IllegalArgumentException(name + ": the first line must be // expect: KIND LINE|- SUBSTRING");
        }
        Integer line = m.group(2).equals("-") ? null : Integer.valueOf(m.group(2));
        return new BadPolicy(name, m.group(1), line, m.group(3), source(text, lines.size() > 1 ? lines.get(1) : ""));
    }

    /** The source as the client sends it: the file, or what its "// send:" line asks for. */
    private static String source(String text, String send) {
        if (send.startsWith("// send: empty")) {
            return "";
        }
        Matcher padded = PADDED.matcher(send);
        if (padded.find()) {
            int size = Integer.parseInt(padded.group(1));
            StringBuilder sb = new StringBuilder(size + 64).append(text);
            while (sb.length() < size) {
                sb.append("// padding: the policy above is all there is to it\n");
            }
            return sb.toString();
        }
        if (send.startsWith("// send: <0x")) {
            // Raw bytes in place of the tokens (not on the send line itself), read back as UTF-8
            // the way a client reads a file: an invalid byte becomes U+FFFD.
            int body = text.indexOf('\n', text.indexOf(send)) + 1;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(text.substring(0, body).getBytes(StandardCharsets.UTF_8));
            Matcher raw = RAW_BYTE.matcher(text);
            int at = body;
            while (raw.find(at)) {
                out.writeBytes(text.substring(at, raw.start()).getBytes(StandardCharsets.UTF_8));
                out.write(HexFormat.fromHexDigits(raw.group(1)));
                at = raw.end();
            }
            out.writeBytes(text.substring(at).getBytes(StandardCharsets.UTF_8));
            return out.toString(StandardCharsets.UTF_8);
        }
        return text;
    }
}
