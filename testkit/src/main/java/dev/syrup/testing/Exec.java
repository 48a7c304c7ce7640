package dev.syrup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion, with a timeout, capturing its output. */
public final class Exec {
    /** The default timeout for short commands (ip, kill). */
    public static final Duration SHORT = Duration.ofSeconds(10);

    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() { return exitCode == 0; }

        /** This result if the command succeeded, else an exception carrying its stderr. */
        public Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exitCode
                        + describe("stderr", stderr) + describe("stdout", stdout));
            }
            return this;
        }
    }

    private Exec() {}

    /** Runs the command; a non-zero exit is returned, not thrown. Fails if it outlives the timeout. */
    public static Result run(ProcessBuilder pb, Duration timeout) {
        List<String> command = List.copyOf(pb.command());
        Process p;
        try {
            p = pb.redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
        try {
            p.getOutputStream().close();
            StreamDrain out = new StreamDrain(p.getInputStream(), "stdout of " + command.get(0));
            StreamDrain err = new StreamDrain(p.getErrorStream(), "stderr of " + command.get(0));
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + timeout.toMillis() + " ms" + describe("stderr", err.text()) + describe("stdout", out.text()));
            }
            // The process is gone; its pipes end unless it left a child holding them.
            out.awaitEnd(SHORT);
            err.awaitEnd(SHORT);
            return new Result(command, p.exitValue(), out.text(), err.text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Runs the command and returns its stdout; throws with its stderr if it fails. */
    public static String check(ProcessBuilder pb, Duration timeout) {
        return run(pb, timeout).orThrow().stdout();
    }

    /** Runs a short command on the host and returns its stdout; throws with its stderr if it fails. */
    public static String check(String... argv) {
        return check(new ProcessBuilder(argv), SHORT);
    }

    static String describe(String what, String text) {
        String t = text.strip();
        return t.isEmpty() ? "" : "\n--- " + what + " ---\n" + t;
    }
}
