package dev.syrup.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Talks to syrupd in raw protocol lines, to test exactly what goes over the socket. */
final class RawClient implements AutoCloseable {
    private final SocketChannel channel;
    private final BufferedReader in;

    RawClient(Path socket) {
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** send writes raw bytes (a request line must end in a newline) and reads one response line. */
    JsonNode send(byte[] raw) {
        write(raw);
        return read();
    }

    /** write writes raw bytes without waiting for an answer. */
    void write(byte[] raw) {
        try {
            ByteBuffer b = ByteBuffer.wrap(raw);
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** read reads the next response line. */
    JsonNode read() {
        try {
            String line = in.readLine();
            if (line == null) {
                throw new IllegalStateException("syrupd closed the connection");
            }
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode send(String line) { return send((line + "\n").getBytes(StandardCharsets.UTF_8)); }

    /** request sends a request object and returns the result, failing on an error response. */
    JsonNode request(Object request) {
        try {
            JsonNode r = send(Json.MAPPER.writeValueAsString(request));
            if (!r.path("ok").asBoolean()) {
                throw new AssertionError("request failed: " + r.path("error"));
            }
            return r.path("result");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** shutdownOutput ends what this client sends (the daemon sees end of stream) but keeps reading. */
    void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
