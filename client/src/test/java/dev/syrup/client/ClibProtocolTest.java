package dev.syrup.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.HookSpec;
import dev.syrup.api.Json;
import dev.syrup.api.Request;
import dev.syrup.testing.Exec;
import dev.syrup.testing.TestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Protocol-shape test of the C client library against a fake peer. syrup_ctl (a command-line
 * front end to libsyrup) talks to {@link FakeSyrupd}, a stand-in for syrupd inside this test that
 * records each request line and answers with canned lines. The requests are checked against
 * docs/protocol.md and the daemon's own model of it ({@link Request}); the answers check how the
 * library and syrup_ctl report results and errors. No real daemon runs here: that is the
 * end-to-end test's job.
 */
class ClibProtocolTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_LINE = Json.MAX_LINE;
    /** A Deployment as docs/protocol.md shows it. */
    private static final String DEPLOYMENT = """
            {"id": "3f9c2a1b", "owner": {"uid": 1000, "cgroup": "/user.slice/app"},
             "policy": {"name": "rr.c", "sha256": "00"},
             "targets": [{"hook": "socket-select", "protocol": "udp", "port": 9000, "netns": "/var/run/netns/app",
                          "interface": null, "cpus": [], "executors": 4,
                          "decisions": [25, 25, 25, 25], "pass": 0, "drop": 0, "fallback": 0}]}"""
            .replace("\n", "");
    /** A policy whose text needs every kind of JSON escaping, and carries 2-, 3- and 4-byte UTF-8. */
    private static final String TRICKY_POLICY = "// SPDX: \"quoted\", back\\slash, \\n is not a newline\n"
            + "#include \"syrup.h\"\n"
            + "\tuint32_t schedule(void *s, void *e) { return '\\t' == 9 ? 0 : 1; }\r\n"
            + "/* é ü ß — 中文 🚀 \u0001 \u001f \u007f */\n";

    @TempDir
    Path tmp;

    private FakeSyrupd fake;

    @AfterEach
    void stopFake() throws Exception {
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    void deploySendsThePolicyTextVerbatimAndTheHooks() throws Exception {
        Files.writeString(tmp.resolve("tricky.c"), TRICKY_POLICY, UTF_8);
        fake = FakeSyrupd.start(tmp.resolve("syrupd.sock"), request -> line(ok(DEPLOYMENT)));

        Exec.Result r = ctl("deploy", "tricky.c",
                "--hook", "socket-select", "--port", "9000", "--proto", "tcp", "--netns", "app",
                "--hook", "xdp-cpu", "--port", "9001", "--interface", "eth0", "--cpus", "0,1");

        assertThat(r.stderr()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("3f9c2a1b\n");
        String line = fake.onlyRequest();
        JsonNode json = Json.MAPPER.readTree(line);
        assertThat(fieldNames(json)).containsExactly("op", "policy", "hooks");
        assertThat(fieldNames(json.get("policy"))).containsExactly("name", "source");
        assertThat(fieldNames(json.get("hooks").get(0))).containsExactly("hook", "port", "protocol", "netns");
        assertThat(fieldNames(json.get("hooks").get(1))).containsExactly("hook", "port", "interface", "cpus");
        assertThat(json.get("hooks").get(0).get("port").isInt()).isTrue();

        // The daemon's model refuses unknown fields: the request must read as one.
        Request req = Json.MAPPER.readValue(line, Request.class);
        assertThat(req.op()).isEqualTo("deploy");
        assertThat(req.policy().name()).isEqualTo("tricky.c");
        assertThat(req.policy().source()).isEqualTo(TRICKY_POLICY);
        assertThat(req.hooks()).containsExactly(
                HookSpec.socketSelect(9000, "tcp", "app"),
                HookSpec.xdpCpu(9001, null, null, "eth0", List.of(0, 1)));
    }

    @Test
    void hookFieldsLeftOutTakeTheDaemonsDefaults() throws Exception {
        Path policy = Files.writeString(tmp.resolve("rr.c"), "x\n");
        fake = FakeSyrupd.start(tmp.resolve("syrupd.sock"), request -> line(ok(DEPLOYMENT)));

        Exec.Result r = ctl("deploy", policy.toString(), "--hook", "socket-select", "--port", "9000");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        Request req = Json.MAPPER.readValue(fake.onlyRequest(), Request.class);
        assertThat(req.policy().name()).isEqualTo(policy.toString());
        assertThat(req.hooks()).containsExactly(new HookSpec("socket-select", 9000, null, null, null, null));
    }

    @Test
    void aThreadHookCarriesPidCgroupAndThreadsAndNoPort() throws Exception {
        Path policy = Files.writeString(tmp.resolve("pin.c"), "x\n");
        fake = FakeSyrupd.start(tmp.resolve("syrupd.sock"), request -> line(ok(DEPLOYMENT)));

        Exec.Result r = ctl("deploy", policy.toString(), "--hook", "thread", "--pid", "4242", "--threads", "registered",
                "--cpus", "0", "--hook", "thread", "--cgroup", "/app");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        Request req = Json.MAPPER.readValue(fake.onlyRequest(), Request.class);
        assertThat(req.hooks()).containsExactly(HookSpec.registeredThreads(4242, null, List.of(0)),
                HookSpec.thread(null, "/app", null));
    }

    @Test
    void registerAndUnregisterSendTheThreadIds() throws Exception {
        fake = FakeSyrupd.start(tmp.resolve("syrupd.sock"), request -> line(ok("{\"registered\":2}")));

        Exec.Result reg = ctl("register", "3f9c2a1b", "101", "102");
        Exec.Result unreg = ctl("unregister", "3f9c2a1b", "102");

        assertThat(reg.exitCode()).as(reg.stderr()).isZero();
        assertThat(unreg.exitCode()).as(unreg.stderr()).isZero();
        assertThat(Json.MAPPER.readValue(fake.nextRequest(), Request.class))
                .isEqualTo(Request.threads("thread.register", "3f9c2a1b", List.of(101, 102)));
        assertThat(Json.MAPPER.readValue(fake.nextRequest(), Request.class))
                .isEqualTo(Request.threads("thread.unregister", "3f9c2a1b", List.of(102)));
    }

    @Test
    void aPolicyOfOneMebibyteIsSentWhole() throws Exception {
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        for (int i = 0; bytes < (1 << 20) - 64; i++) {
            String l = "/* line " + i + " \"é\"\t\\ */\n";
            sb.append(l);
            bytes += l.getBytes(UTF_8).length;
        }
        String text = sb.append("x".repeat((1 << 20) - bytes)).toString();
        assertThat(text.getBytes(UTF_8)).hasSize(1 << 20);
        Files.writeString(tmp.resolve("big.c"), text, UTF_8);
        fake = FakeSyrupd.start(tmp.resolve("syrupd.sock"), request -> line(ok(DEPLOYMENT)));

        Exec.Result r = ctl("deploy", "big.c", "--hook", "socket-select", "--port", "9000");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(Json.MAPPER.readValue(fake.onlyRequest(), Request.class).policy().source()).isEqualTo(text);
    }

    @Test
    void policiesSyrupdWouldRefuseAreNotSent() throws Exception {
        Files.write(tmp.resolve("huge.c"), new byte[(1 << 20) + 1]);
        Files.write(tmp.resolve("latin1.c"), new byte[] {'/', '/', ' ', (byte) 0xe9, '\n'});
        fake = FakeSyrupd.start(tmp.resolve("syrupd.sock"), request -> line(ok(DEPLOYMENT)));

        assertFails(ctl("deploy", "huge.c", "--hook", "socket-select", "--port", "1"),
                "policy-file", "policy huge.c is over 1048576 bytes");
        assertFails(ctl("deploy", "latin1.c", "--hook", "socket-select", "--port", "1"),
                "policy-file", "policy latin1.c is not UTF-8 text (or contains a NUL byte)");
        assertFails(ctl("replace", "3f9c2a1b", "missing.c"),
                "policy-file", "cannot read policy missing.c: No such file or directory");
        assertThat(fake.requests).isEmpty();
    }

    @Test
    void replaceAndRemoveNameTheDeployment() throws Exception {
        Files.writeString(tmp.resolve("rr.c"), TRICKY_POLICY, UTF_8);
        fake = FakeSyrupd.start(tmp.resolve("syrupd.sock"),
                request -> line(request.contains("\"replace\"") ? ok(DEPLOYMENT) : ok("{}")));

        Exec.Result replaced = ctl("replace", "3f9c2a1b", "rr.c");
        Exec.Result removed = ctl("remove", "3f9c2a1b");

        assertThat(replaced.exitCode()).as(replaced.stderr()).isZero();
        assertThat(removed.exitCode()).as(removed.stderr()).isZero();
        assertThat(replaced.stdout() + removed.stdout()).isEmpty();
        JsonNode replace = Json.MAPPER.readTree(fake.nextRequest());
        JsonNode remove = Json.MAPPER.readTree(fake.nextRequest());
        assertThat(fieldNames(replace)).containsExactly("op", "id", "policy");
        assertThat(Json.MAPPER.treeToValue(replace, Request.class))
                .isEqualTo(new Request("replace", new dev.syrup.api.PolicyText("rr.c", TRICKY_POLICY), null,
                        "3f9c2a1b", null, null, null, null));
        assertThat(remove.toString()).isEqualTo("{\"op\":\"remove\",\"id\":\"3f9c2a1b\"}");
    }

    @Test
    void mapKeysAndValuesTravelAsHexOfTheirBytes() throws Exception {
        fake = FakeSyrupd.start(tmp.resolve("syrupd.sock"), request -> {
            if (request.contains("map.get")) {
                return line(ok("{\"value\": \"" + hex(bytes(8, 1234567890123L)) + "\"}"));
            }
            return line(request.contains("map.delete") ? ok("{\"deleted\": true}") : ok("{}"));
        });

        Exec.Result set8 = ctl("map-set", "3f9c2a1b", "counts", "42", "7");
        Exec.Result set4 = ctl("map-set", "3f9c2a1b", "counts", "42", "4000000000", "--value-size", "4");
        Exec.Result get = ctl("map-get", "3f9c2a1b", "counts", "42");
        Exec.Result delete = ctl("map-delete", "3f9c2a1b", "counts", "4294967295");

        for (Exec.Result r : List.of(set8, set4, get, delete)) {
            assertThat(r.exitCode()).as(r.stderr()).isZero();
        }
        assertThat(get.stdout()).isEqualTo("1234567890123\n");
        String key = hex(bytes(4, 42));
        assertThat(fake.nextRequest()).isEqualTo("{\"op\":\"map.set\",\"id\":\"3f9c2a1b\",\"map\":\"counts\",\"key\":\""
                + key + "\",\"value\":\"" + hex(bytes(8, 7)) + "\"}");
        assertThat(Json.MAPPER.readValue(fake.nextRequest(), Request.class))
                .isEqualTo(Request.map("map.set", "3f9c2a1b", "counts", key, hex(bytes(4, 4000000000L)), false));
        assertThat(Json.MAPPER.readValue(fake.nextRequest(), Request.class))
                .isEqualTo(Request.map("map.get", "3f9c2a1b", "counts", key, null, false));
        assertThat(Json.MAPPER.readValue(fake.nextRequest(), Request.class))
                .isEqualTo(Request.map("map.delete", "3f9c2a1b", "counts", "ffffffff", null, false));
    }

    @Test
    void mapValueOfAnotherSizeAndAbsentKeyAreErrors() throws Exception {
        fake = FakeSyrupd.start(tmp.resolve("syrupd.sock"), request -> line(request.contains("map.get")
                ? ok("{\"value\": \"" + hex(bytes(8, 5)) + "\"}") : ok("{\"deleted\": false}")));

        assertFails(ctl("map-get", "3f9c2a1b", "counts", "1", "--value-size", "4"),
                "invalid-argument", "values in map counts are 8 bytes, not 4");
        assertFails(ctl("map-delete", "3f9c2a1b", "counts", "1"), "not-found", "the key is not in map counts");
    }

    @Test
    void daemonErrorsArePrintedAsKindAndMessage() throws Exception {
        String message = "rr.c:7: verifier rejected program syrup_socket_select: invalid access to packet, "
                + "off=0 size=4 \"quoted\" é";
        fake = FakeSyrupd.start(tmp.resolve("syrupd.sock"), request -> line(
                "{\"ok\": false, \"error\": {\"kind\": \"verifier\", \"message\": " + quote(message)
                        + ", \"file\": \"rr.c\", \"line\": 7}}"));
        Files.writeString(tmp.resolve("rr.c"), "x\n");

        assertFails(ctl("deploy", "rr.c", "--hook", "socket-select", "--port", "9000"), "verifier", message);
        assertFails(ctl("remove", "3f9c2a1b"), "verifier", message);
    }

    @Test
    void anAnswerArrivingInPiecesIsPutBackTogether() throws Exception {
        String message = "conflict: port 9000 is claimed by 3f9c2a1b — ünïcödé 🚀";
        String answer = "{\"ok\":false,\"error\":{\"kind\":\"conflict\",\"message\":" + quote(message) + "}}\n";
        fake = FakeSyrupd.start(tmp.resolve("syrupd.sock"), request -> pieces(answer.getBytes(UTF_8), 3));

        assertFails(ctl("remove", "3f9c2a1b"), "conflict", message);
    }

    @Test
    void answersUpToFourMebibytesAreReadAndLongerOnesRefused() throws Exception {
        String head = "{\"ok\":true,\"result\":{\"id\":\"3f9c2a1b\",\"pad\":\"";
        String tail = "\"}}";
        String longest = head + "a".repeat(MAX_LINE - 1 - head.length() - tail.length()) + tail + "\n";
        assertThat(longest.length()).isEqualTo(MAX_LINE);
        Files.writeString(tmp.resolve("rr.c"), "x\n");

        fake = FakeSyrupd.start(tmp.resolve("syrupd.sock"), request -> List.of(longest.getBytes(UTF_8)));
        Exec.Result r = ctl("deploy", "rr.c", "--hook", "socket-select", "--port", "9000");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("3f9c2a1b\n");
        fake.close();

        fake = FakeSyrupd.start(tmp.resolve("syrupd2.sock"), request -> List.of(("x" + longest).getBytes(UTF_8)));
        assertFails(ctl(tmp.resolve("syrupd2.sock"), "remove", "3f9c2a1b"),
                "protocol", "syrupd's answer is over 4 MiB");
    }

    @Test
    void malformedOrMissingAnswersAreProtocolErrors() throws Exception {
        List<List<byte[]>> answers = new ArrayList<>(List.of(line("not json"), line("{\"ok\": true}"),
                line("{\"ok\": true, \"result\": {}} trailing"), line(ok("{\"id\": 7}")), List.of()));
        fake = FakeSyrupd.start(tmp.resolve("syrupd.sock"), request -> answers.remove(0));
        Files.writeString(tmp.resolve("rr.c"), "x\n");

        assertFails(ctl("remove", "a"), "protocol", "syrupd's answer is not JSON");
        assertFails(ctl("remove", "a"), "protocol", "syrupd's answer has neither a result nor an error");
        assertFails(ctl("remove", "a"), "protocol", "syrupd's answer is not JSON");
        assertFails(ctl("deploy", "rr.c", "--hook", "socket-select", "--port", "1"),
                "protocol", "syrupd's deployment has no usable id");
        assertFails(ctl("remove", "a"), "protocol",
                "lost the connection to syrupd: it closed the connection without answering");
    }

    @Test
    void anUnreachableDaemonIsReportedWithItsSocket() throws Exception {
        Path missing = tmp.resolve("missing.sock");
        assertFails(ctl(missing, "remove", "3f9c2a1b"), "unreachable",
                "cannot connect to syrupd at " + missing + ": No such file or directory");

        // A socket file nobody listens on any more, as a crashed daemon leaves behind.
        Path stale = tmp.resolve("stale.sock");
        ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(stale)).close();
        assertFails(ctl(stale, "remove", "3f9c2a1b"), "unreachable",
                "cannot connect to syrupd at " + stale + ": Connection refused");
    }

    @Test
    void theSocketComesFromTheEnvironmentWhenNotGiven() throws Exception {
        fake = FakeSyrupd.start(tmp.resolve("env.sock"), request -> line(ok("{}")));
        ProcessBuilder pb = new ProcessBuilder(TestApps.binary(TestApps.SYRUP_CTL).toString(), "remove", "x");
        pb.environment().put("SYRUP_SOCKET", tmp.resolve("env.sock").toString());

        assertThat(Exec.run(pb, TIMEOUT).exitCode()).isZero();
        assertThat(fake.onlyRequest()).isEqualTo("{\"op\":\"remove\",\"id\":\"x\"}");
    }

    // --- helpers ---

    private Exec.Result ctl(String... args) {
        return ctl(tmp.resolve("syrupd.sock"), args);
    }

    private Exec.Result ctl(Path socket, String... args) {
        List<String> argv = new ArrayList<>(List.of(TestApps.binary(TestApps.SYRUP_CTL).toString(),
                "--socket", socket.toString()));
        argv.addAll(Arrays.asList(args));
        return Exec.run(new ProcessBuilder(argv).directory(tmp.toFile()), TIMEOUT);
    }

    private static void assertFails(Exec.Result r, String kind, String message) {
        assertThat(r.stderr()).isEqualTo("syrup_ctl: " + kind + ": " + message + "\n");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stdout()).isEmpty();
    }

    private static String ok(String result) {
        return "{\"ok\": true, \"result\": " + result + "}";
    }

    private static List<byte[]> line(String json) {
        return List.of((json + "\n").getBytes(UTF_8));
    }

    /** The bytes in pieces of size n, cutting through multi-byte characters too. */
    private static List<byte[]> pieces(byte[] bytes, int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += n) {
            out.add(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + n)));
        }
        return out;
    }

    private static String quote(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** v as the machine stores a size-byte integer (the library sends raw bytes in host order). */
    private static byte[] bytes(int size, long v) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        if (size == 4) {
            b.putInt((int) v);
        } else {
            b.putLong(v);
        }
        return b.array();
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /**
     * A stand-in for syrupd: accepts connections on a Unix socket one after another, reads
     * newline-terminated request lines (which must be UTF-8), records them, and writes what the
     * answer function gives for each, piece by piece with short pauses between pieces. An empty
     * answer closes the connection without answering.
     */
    static final class FakeSyrupd implements AutoCloseable {
        final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
        private final ServerSocketChannel server;
        private final Path socket;
        private final Function<String, List<byte[]>> answer;
        private final Thread thread;

        private FakeSyrupd(Path socket, Function<String, List<byte[]>> answer) throws IOException {
            this.socket = socket;
            this.answer = answer;
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            thread = new Thread(this::serve, "fake syrupd");
            thread.setDaemon(true);
            thread.start();
        }

        static FakeSyrupd start(Path socket, Function<String, List<byte[]>> answer) throws IOException {
            return new FakeSyrupd(socket, answer);
        }

        private void serve() {
            while (server.isOpen()) {
                try (SocketChannel conn = server.accept()) {
                    converse(conn);
                } catch (IOException e) {
                    // Closed by close(), or the client went away mid-answer: both end the conversation.
                }
            }
        }

        private void converse(SocketChannel conn) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (conn.read(buf.clear()) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    if (b != '\n') {
                        line.write(b);
                        continue;
                    }
                    String request = strictUtf8(line.toByteArray());
                    line.reset();
                    requests.add(request);
                    List<byte[]> pieces = answer.apply(request);
                    if (pieces.isEmpty()) {
                        return;
                    }
                    for (int i = 0; i < pieces.size(); i++) {
                        if (i > 0) {
                            sleep(5);
                        }
                        ByteBuffer out = ByteBuffer.wrap(pieces.get(i));
                        while (out.hasRemaining()) {
                            conn.write(out);
                        }
                    }
                }
            }
        }

        private static String strictUtf8(byte[] bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                return "request is not UTF-8: " + HexFormat.of().formatHex(bytes);
            }
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The next request received, waiting briefly for it. */
        String nextRequest() throws InterruptedException {
            String r = requests.poll(5, TimeUnit.SECONDS);
            assertThat(r).as("a request reached the fake syrupd").isNotNull();
            return r;
        }

        /** The one request received. */
        String onlyRequest() throws InterruptedException {
            String r = nextRequest();
            assertThat(requests).as("requests after the first").isEmpty();
            return r;
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(5000);
            Files.deleteIfExists(socket);
        }
    }
}
