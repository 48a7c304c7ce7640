package dev.syrup.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads a process stream to its end on a daemon thread, so the process never blocks on a full
 * pipe, and keeps the last {@value #LIMIT} bytes for error messages and results.
 */
final class StreamDrain {
    private static final int LIMIT = 64 * 1024;

    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final Thread thread;

    StreamDrain(InputStream in, String name) {
        thread = new Thread(() -> copy(in), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void copy(InputStream in) {
        byte[] chunk = new byte[4096];
        try (in) {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                synchronized (buf) {
                    if (buf.size() + n > LIMIT) {
                        byte[] keep = buf.toByteArray();
                        int from = Math.min(keep.length, buf.size() + n - LIMIT);
                        buf.reset();
                        buf.write(keep, from, keep.length - from);
                    }
                    buf.write(chunk, 0, n);
                }
            }
        } catch (IOException e) {
            // The process went away and took the pipe with it: keep what was read.
        }
    }

    /** Waits until the stream has ended; false if it did not within the timeout. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /** What has been read so far (the tail, if it was long). */
    String text() {
        synchronized (buf) {
            return buf.toString(StandardCharsets.UTF_8);
        }
    }
}
