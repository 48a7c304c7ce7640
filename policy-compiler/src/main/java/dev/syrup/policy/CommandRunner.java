package dev.syrup.policy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command with stdin closed, a time limit and its combined stdout/stderr captured up to a cap. */
final class CommandRunner {
    record Result(int exitCode, String output, boolean timedOut) {}

    private CommandRunner() {}

    /** @throws IOException if the command cannot be started (e.g. it does not exist) */
    static Result run(List<String> command, Path dir, Duration timeout, int maxOutput) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null)
            pb.directory(dir.toFile());
        Process process = pb.start();
        process.getOutputStream().close();
        Capture capture = new Capture(process.getInputStream(), maxOutput);
        Thread reader = new Thread(capture, "output of " + command.get(0));
        reader.setDaemon(true);
        reader.start();
        boolean timedOut = false;
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor();
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(command.get(0) + " was interrupted", e);
        }
        return new Result(timedOut ? -1 : process.exitValue(), capture.text(), timedOut);
    }

    /** Keeps the first max bytes and drains the rest, so the child never blocks on a full pipe. */
    private static final class Capture implements Runnable {
        private final InputStream in;
        private final int max;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long total;

        Capture(InputStream in, int max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (this) {
                        int keep = (int) Math.max(0, Math.min(n, max - total));
                        kept.write(buf, 0, keep);
                        total += n;
                    }
                }
            } catch (IOException ignored) {
                // the process was killed; keep what was read
            }
        }

        synchronized String text() {
            String s = kept.toString(StandardCharsets.UTF_8);
            return total > max ? s + "\n[output truncated: " + total + " bytes, showing the first " + max + "]\n" : s;
        }
    }
}
