package dev.syrup.daemon;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** syrupd's log: timestamped lines on standard error. */
public final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private final PrintStream out;

    public Log(PrintStream out) { this.out = out; }

    public void info(String message) { line("INFO ", message); }

    public void error(String message, Throwable t) {
        line("ERROR", message + ": " + t);
        t.printStackTrace(out);
    }

    public void warn(String message) { line("WARN ", message); }

    private synchronized void line(String level, String message) {
        out.println(LocalDateTime.now().format(TIME) + " " + level + " " + message);
        out.flush();
    }
}
