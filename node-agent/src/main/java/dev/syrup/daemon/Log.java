package dev.syrup.daemon;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** syrupd's log: timestamped lines on standard error. */
final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private final PrintStream out;

    Log(PrintStream out) { this.out = out; }

    void info(String message) { line("INFO ", message); }

    void error(String message, Throwable t) {
        line("ERROR", message + ": " + t);
        t.printStackTrace(out);
    }

    private synchronized void line(String level, String message) {
        out.println(LocalDateTime.now().format(TIME) + " " + level + " " + message);
        out.flush();
    }
}
