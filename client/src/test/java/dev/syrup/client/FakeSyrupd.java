package dev.syrup.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NOT syrupd: a fake for protocol-shape unit tests only. It listens on a real Unix socket in a
 * temporary directory, records each request line and answers with the line scripted for its op.
 * The tests against the real daemon live with the daemon.
 */
public final class FakeSyrupd implements AutoCloseable {
    /** An answer that makes the fake close the connection instead of answering. */
    public static final String HANG_UP = "<hang up>";

    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    private FakeSyrupd() throws IOException {
        dir = Files.createTempDirectory("fake-syrupd");
        socket = dir.resolve("syrupd.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(this::acceptLoop, "fake-syrupd");
        t.setDaemon(true);
        t.start();
    }

    public static FakeSyrupd start() {
        try {
            return new FakeSyrupd();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path socket() { return socket; }

    /** Answers requests of op with {"ok": true, "result": resultJson}. */
    public FakeSyrupd ok(String op, String resultJson) {
        return raw(op, "{\"ok\":true,\"result\":" + resultJson + "}");
    }

    /** Answers requests of op with an error. */
    public FakeSyrupd error(String op, String kind, String message) {
        return raw(op, "{\"ok\":false,\"error\":{\"kind\":\"" + kind + "\",\"message\":\"" + message + "\"}}");
    }

    /** Answers requests of op with exactly line (HANG_UP: close the connection). */
    public FakeSyrupd raw(String op, String line) {
        answers.put(op, line);
        return this;
    }

    public List<JsonNode> requests() { return List.copyOf(requests); }

    public JsonNode lastRequest() { return requests.get(requests.size() - 1); }

    public int connections() { return connections.get(); }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(ch), "fake-syrupd-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch; BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                StandardCharsets.UTF_8)); OutputStream out = Channels.newOutputStream(ch)) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode request = Json.MAPPER.readTree(line);
                requests.add(request);
                String answer = answers.getOrDefault(request.path("op").asText(),
                        "{\"ok\":false,\"error\":{\"kind\":\"invalid-request\",\"message\":\"fake: no answer scripted\"}}");
                if (answer.equals(HANG_UP)) {
                    return;
                }
                out.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
