package dev.syrup.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Reads a process's stdout line by line on a daemon thread; callers take lines with a timeout. */
final class LineQueue {
    /** Queued after the last line when the stream ends; compared by identity, never equal to a real line. */
    private static final String END = new String("<end of stream>");

    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    LineQueue(InputStream in, String name) {
        Thread t = new Thread(() -> read(in), name);
        t.setDaemon(true);
        t.start();
    }

    private void read(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            // The process went away: same as the end of the stream.
        } finally {
            lines.add(END);
        }
    }

    /**
     * The next line, or null if the stream has ended (the end stays visible to later calls).
     *
     * @throws IllegalStateException if no line arrives within the timeout
     */
    String next(Duration timeout) {
        String line;
        try {
            line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a line", e);
        }
        if (line == null) {
            throw new IllegalStateException("no line within " + timeout.toMillis() + " ms");
        }
        if (line == END) {
            lines.add(END);
            return null;
        }
        return line;
    }
}
