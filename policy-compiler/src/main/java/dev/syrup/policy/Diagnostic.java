package dev.syrup.policy;

import java.util.List;

/**
 * One message from clang. file is the policy's display name for the user's file, the file name for an
 * SDK file, or null for a message without a location (line and column are then -1). snippet holds the
 * lines clang prints under the message: the source line, the caret and any fix-it.
 */
public record Diagnostic(String file, int line, int column, Severity severity, String message, List<String> snippet) {

    public enum Severity {
        FATAL("fatal error"), ERROR("error"), WARNING("warning"), NOTE("note"), REMARK("remark");

        private final String label;

        Severity(String label) { this.label = label; }

        /** As clang writes it. */
        public String label() { return label; }

        public boolean isError() { return this == FATAL || this == ERROR; }

        static Severity fromLabel(String label) {
            for (Severity s : values())
                if (s.label.equals(label))
                    return s;
            throw new IllegalArgumentException("unknown severity " + label);
        }
    }

    public Diagnostic {
        snippet = List.copyOf(snippet);
    }

    /** file:line:col: severity: message, as clang prints it (without the snippet). */
    public String header() {
        String where = file == null ? "" : line < 0 ? file + ": " : file + ":" + line + ":" + column + ": ";
        return where + severity.label() + ": " + message;
    }

    /** The header followed by the snippet lines. */
    public String format() {
        return snippet.isEmpty() ? header() : header() + "\n" + String.join("\n", snippet);
    }

    @Override
    public String toString() { return header(); }
}
