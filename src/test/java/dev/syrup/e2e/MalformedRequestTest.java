package dev.syrup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.Json;
import dev.syrup.api.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests that are not what docs/protocol.md says get invalid-request naming what is wrong, are
 * not logged as syrupd's own errors, and leave the connection, the daemon and the running policy
 * as they were.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestTest {
    private static final String INVALID = "invalid-request";
    private static final int MiB = 1 << 20;

    private SteeredServer app;
    private RawClient client;

    /** One bad request line (without its newline) and the error it must get. */
    record Bad(String what, byte[] line, String kind, String substring) {
        @Override
        public String toString() { return what; }
    }

    @BeforeAll
    void start() {
        app = new SteeredServer();
        client = app.track(new RawClient(app.syrupd.socket));
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    /** After every case: a fresh connection gets status and list, nothing was deployed, round robin steers exactly. */
    @AfterEach
    void daemonIsUnchanged() {
        try (RawClient c = new RawClient(app.syrupd.socket)) {
            app.assertOnlyTheRoundRobin(c);
        }
        app.assertSteersExactly();
        app.assertLogHasNoErrors();
    }

    Stream<Bad> malformed() {
        String policy = "{\"name\": \"rr.c\", \"source\": \"uint32_t schedule(void *a, void *b) { return 0; }\"}";
        String hook = "{\"hook\": \"socket-select\", \"port\": " + (SteeredServer.PORT + 1) + ", \"netns\": \""
                + app.ns.path() + "\"";
        String deploy = "{\"op\": \"deploy\", \"policy\": " + policy + ", \"hooks\": [" + hook + "}]}";
        byte[] garbage = new byte[256];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (0x80 | (i * 7 & 0x7f)); // never a newline
        }
        return Stream.of(
                bad("truncated JSON", "{\"op\": \"status\"", "Unexpected end-of-input"),
                bad("truncated inside the policy source", deploy.substring(0, deploy.indexOf("return")),
                        "Unexpected end-of-input"),
                bad("unknown top-level field", "{\"op\": \"status\", \"verbose\": true}", "unknown field \"verbose\""),
                bad("unknown field in policy", deploy.replace("\"name\"", "\"lang\": \"c\", \"name\""),
                        "unknown field \"lang\" in \"policy\""),
                bad("unknown field in a hook", deploy.replace("\"hook\":", "\"weight\": 2, \"hook\":"),
                        "unknown field \"weight\" in \"hooks[0]\""),
                bad("port as a numeric string", deploy.replace("\"port\": 9601", "\"port\": \"9601\""),
                        "\"hooks[0].port\" must be an integer"),
                bad("port as a name", deploy.replace("\"port\": 9601", "\"port\": \"http\""),
                        "\"hooks[0].port\" must be an integer"),
                bad("port as a fraction", deploy.replace("\"port\": 9601", "\"port\": 9601.5"),
                        "\"hooks[0].port\" must be an integer"),
                bad("port beyond int", deploy.replace("\"port\": 9601", "\"port\": 99999999999"), "out of range of int"),
                bad("port out of range", deploy.replace("\"port\": 9601", "\"port\": 70000"), "out of range 1-65535"),
                bad("hooks as an object", deploy.replace("[" + hook + "}]", hook + "}"), "\"hooks\" must be an array"),
                bad("a null hook", deploy.replace("[" + hook + "}]", "[null]"), "every entry in \"hooks\" must be an object"),
                bad("policy as a string", deploy.replace(policy, "\"rr.c\""), "\"policy\" must be an object"),
                bad("source as a number", deploy.replace("\"source\": \"uint32_t schedule(void *a, void *b) { return 0; }\"",
                        "\"source\": 42"), "\"policy.source\" must be a string"),
                // Removing the running deployment: only the malformed force stands in the way.
                bad("force as a string", "{\"op\": \"remove\", \"id\": \"" + app.id + "\", \"force\": \"true\"}",
                        "\"force\" must be true or false"),
                bad("force as a number", "{\"op\": \"remove\", \"id\": \"" + app.id + "\", \"force\": 1}",
                        "\"force\" must be true or false"),
                bad("id as a number", "{\"op\": \"remove\", \"id\": 12}", "\"id\" must be a string"),
                bad("op as a number", "{\"op\": 1}", "\"op\" must be a string"),
                bad("unknown op", "{\"op\": \"reboot\"}", "unknown op 'reboot'"),
                bad("missing op", "{\"id\": \"" + app.id + "\"}", "a request needs \"op\""),
                bad("null op", "{\"op\": null}", "a request needs \"op\""),
                bad("empty object", "{}", "a request needs \"op\""),
                bad("JSON array", "[{\"op\": \"status\"}]", "a request must be an object"),
                bad("JSON string", "\"status\"", "a request must be an object"),
                bad("JSON number", "42", "a request must be an object"),
                bad("two objects on one line", "{\"op\": \"status\"}{\"op\": \"remove\", \"id\": \"" + app.id + "\"}",
                        "more data after the request object"),
                bad("text after the object", "{\"op\": \"status\"} please", "Unrecognized token 'please'"),
                bad("a field twice", "{\"op\": \"status\", \"op\": \"remove\", \"id\": \"" + app.id + "\"}",
                        "Duplicate field 'op'"),
                bad("nesting deeper than 1000", "{\"op\": \"status\", \"x\": " + "[".repeat(2000) + "]".repeat(2000) + "}",
                        "nesting depth"),
                bad("a NUL byte", "{\"op\": \"status\"}\0", "Illegal character"),
                new Bad("binary garbage", garbage, INVALID, "request is not UTF-8 (byte 0x80 at offset 0)"),
                new Bad("Latin-1 byte in a policy", concat(deploy.substring(0, deploy.indexOf("return")), new byte[] {(byte) 0xe9},
                        deploy.substring(deploy.indexOf("return"))), INVALID, "request is not UTF-8 (byte 0xe9 at offset "),
                // Not malformed, but was answered as an internal error: a namespace that is not there.
                new Bad("a network namespace that does not exist", bytes(deploy.replace(app.ns.path().toString(),
                        "syrup-t-none")), "unavailable", "network namespace /var/run/netns/syrup-t-none does not exist"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void isRefusedAsInvalidRequest(Bad bad) {
        JsonNode r = client.send(concat(bad.line(), new byte[] {'\n'}));
        assertThat(r.path("ok").asBoolean()).as("ok in %s", r).isFalse();
        assertThat(r.path("error").path("kind").asText()).as("kind in %s", r).isEqualTo(bad.kind());
        assertThat(r.path("error").path("message").asText()).contains(bad.substring());
        // The same connection answers the next request.
        assertThat(client.request(Request.status()).path("deployments").asInt()).isEqualTo(1);
    }

    @Test
    void aLineOverTheLimitIsSkippedAndTheSameConnectionAnswersTheNext() {
        // A request that would be valid but for its size: none of it may be acted on.
        String head = "{\"op\": \"remove\", \"id\": \"" + app.id + "\", \"map\": \"";
        byte[] line = new byte[5 * MiB + 1];
        Arrays.fill(line, (byte) 'x');
        System.arraycopy(bytes(head), 0, line, 0, head.length());
        line[line.length - 3] = '"';
        line[line.length - 2] = '}';
        line[line.length - 1] = '\n';
        JsonNode r = client.send(line);
        assertThat(r.path("error").path("kind").asText()).isEqualTo(INVALID);
        assertThat(r.path("error").path("message").asText()).isEqualTo("request is larger than " + Json.MAX_LINE + " bytes");
        assertThat(client.request(Request.status()).path("deployments").asInt()).isEqualTo(1);
    }

    @Test
    void blankLinesGetNoAnswer() {
        client.write(bytes("\n   \n\t\r\n{\"op\": \"status\"}\n\n"));
        assertThat(client.read().path("result").has("uptimeSeconds")).as("the status answer").isTrue();
        // Had a blank line been answered, this would read that answer instead of the list.
        client.write(bytes("{\"op\": \"list\"}\n"));
        assertThat(client.read().path("result").path("deployments").isArray()).as("the list answer").isTrue();
    }

    @Test
    void manyRequestsOnOneConnectionAreAnsweredInOrder() {
        int n = 600;
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            all.writeBytes(bytes(switch (i % 3) {
                case 0 -> "{\"op\": \"status\"}\n";
                case 1 -> "{\"op\": \"list\"}\n";
                default -> "{\"op\": \"nope-" + i + "\"}\n";
            }));
        }
        try (RawClient c = new RawClient(app.syrupd.socket)) {
            Thread writer = new Thread(() -> c.write(all.toByteArray()));
            writer.start();
            for (int i = 0; i < n; i++) {
                JsonNode r = c.read();
                switch (i % 3) {
                    case 0 -> assertThat(r.path("result").path("deployments").asInt()).as("answer %d", i).isEqualTo(1);
                    case 1 -> assertThat(r.path("result").path("deployments")).as("answer %d", i).hasSize(1);
                    default -> assertThat(r.path("error").path("message").asText()).as("answer %d", i)
                            .contains("unknown op 'nope-" + i + "'");
                }
            }
            join(writer);
        }
    }

    @Test
    void clientsHangingUpMidLineChangeNothing() throws IOException {
        String deploy = "{\"op\": \"deploy\", \"policy\": {\"name\": \"rr.c\", \"source\": \"uint32_t schedule(void *a, void *b)"
                + " { return 0; }\"}, \"hooks\": [{\"hook\": \"socket-select\", \"port\": " + (SteeredServer.PORT + 1)
                + ", \"netns\": \"" + app.ns.path() + "\"}]}";
        List<byte[]> partial = List.of(new byte[0], bytes(deploy.substring(0, deploy.length() / 2)),
                bytes("{\"op\": \"remove\", \"id\": \"" + app.id.substring(0, 4)), filler(3 * MiB));
        for (byte[] p : partial) {
            try (RawClient c = new RawClient(app.syrupd.socket)) {
                c.write(p);
            }
        }
        // One that closes only its sending side mid-line still gets its answer.
        try (RawClient c = new RawClient(app.syrupd.socket)) {
            c.write(bytes(deploy.substring(0, deploy.length() - 3)));
            c.shutdownOutput();
            JsonNode r = c.read();
            assertThat(r.path("error").path("kind").asText()).isEqualTo(INVALID);
            assertThat(r.path("error").path("message").asText()).contains("Unexpected end-of-input");
        }
        assertThat(client.request(Request.status()).path("deployments").asInt()).isEqualTo(1);
    }

    private static Bad bad(String what, String line, String substring) { return new Bad(what, bytes(line), INVALID, substring); }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static byte[] filler(int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) ' ');
        b[0] = '{';
        return b;
    }

    private static byte[] concat(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : bytes((String) p));
        }
        return out.toByteArray();
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
