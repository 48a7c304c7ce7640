package dev.syrup.policy;

import dev.syrup.policy.Diagnostic.Severity;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns clang's output into diagnostics and a message that leads with the error in the user's file. What it
 * gives back quotes only the policy's own lines (see policyOnly).
 */
final class ClangDiagnostics {
    private static final Pattern HEADER = Pattern.compile(
            "^(?:clang[^:\\s]*: |(.+?):(\\d+):(\\d+): )?(fatal error|error|warning|note|remark): (.*)$");
    private static final Pattern NOISE = Pattern.compile(
            "^(In file included from .*|\\d+ (error|warning)s? (and \\d+ (error|warning)s? )?generated\\.|"
                    + "\\[\\d+ lines? of clang's output not shown: .*\\])$");
    private static final String UNDEFINED_SCHEDULE = "function 'schedule' has internal linkage but is not defined";
    static final String SIGNATURE = "uint32_t schedule(void *pkt_start, void *pkt_end)";
    private static final String UNDEFINED_SCHEDULE_THREAD = "function 'schedule_thread' has internal linkage but is not defined";
    static final String THREAD_SIGNATURE = "uint32_t schedule_thread(const struct syrup_thread *t)";
    private static final int MAX_SHOWN = 12;
    /** clang's snippet under a message: the source line, the caret line and a fix-it line at most. */
    private static final int MAX_SNIPPET = 3;
    private static final int MAX_RAW_IN_MESSAGE = 4096;

    private ClangDiagnostics() {}

    /** Parses clang's output (with paths already mapped to what the user should see). */
    static List<Diagnostic> parse(String output) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        Matcher current = null;
        List<String> snippet = new ArrayList<>();
        for (String line : output.split("\\R")) {
            Matcher m = HEADER.matcher(line);
            boolean header = m.matches();
            if (header || NOISE.matcher(line).matches()) {
                if (current != null)
                    diagnostics.add(toDiagnostic(current, snippet));
                current = header ? m : null;
                snippet = new ArrayList<>();
            } else if (current != null) {
                snippet.add(line);
            }
        }
        if (current != null)
            diagnostics.add(toDiagnostic(current, snippet));
        return diagnostics;
    }

    private static Diagnostic toDiagnostic(Matcher m, List<String> snippet) {
        while (!snippet.isEmpty() && snippet.get(snippet.size() - 1).isBlank())
            snippet.remove(snippet.size() - 1);
        boolean located = m.group(1) != null;
        return new Diagnostic(located ? m.group(1) : null,
                located ? Integer.parseInt(m.group(2)) : -1,
                located ? Integer.parseInt(m.group(3)) : -1,
                Severity.fromLabel(m.group(4)), m.group(5), snippet);
    }

    /**
     * clang's output reduced to what quotes nothing but the policy: every message line (a location in another
     * file shows only that file's name and line), the lines clang quotes under a message in the policy
     * itself, and "In file included from" lines. The source lines clang quotes from other files, and any
     * line it prints that is not a message (e.g. a crash report), are left out and counted in a last line.
     */
    static String policyOnly(String output, String displayName) {
        StringBuilder kept = new StringBuilder();
        int dropped = 0;
        int snippetRoom = 0;
        for (String line : output.split("\\R")) {
            Matcher m = HEADER.matcher(line);
            if (m.matches()) {
                snippetRoom = displayName.equals(m.group(1)) ? MAX_SNIPPET : 0;
                kept.append(line).append('\n');
            } else if (NOISE.matcher(line).matches()) {
                snippetRoom = 0;
                kept.append(line).append('\n');
            } else if (snippetRoom > 0) {
                snippetRoom--;
                kept.append(line).append('\n');
            } else if (!line.isBlank()) {
                dropped++;
            }
        }
        if (dropped > 0)
            kept.append("[").append(dropped).append(dropped == 1 ? " line" : " lines")
                    .append(" of clang's output not shown: only the policy's own lines are quoted]\n");
        return kept.toString();
    }

    /**
     * The exception for a failed compile. The message leads with the first error in the user's file
     * (or the first error at all), followed by clang's other messages and a hint for known mistakes.
     */
    static CompileException toException(String clangOutput, String displayName, int exitCode) {
        String output = policyOnly(clangOutput, displayName);
        List<Diagnostic> all = parse(output);
        StringBuilder msg = new StringBuilder();
        boolean noScheduleThread = all.stream().anyMatch(d -> d.message().startsWith(UNDEFINED_SCHEDULE_THREAD));
        boolean noSchedule = noScheduleThread || all.stream().anyMatch(d -> d.message().startsWith(UNDEFINED_SCHEDULE));
        Diagnostic lead = all.stream().filter(d -> d.severity().isError() && displayName.equals(d.file()))
                .findFirst()
                .or(() -> all.stream().filter(d -> d.severity().isError()).findFirst())
                .orElse(null);
        if (noScheduleThread) {
            msg.append(displayName).append(": error: policy does not define schedule_thread(); a policy deployed at the"
                    + " thread hook must define\n    ").append(THREAD_SIGNATURE).append("\nclang said:");
            lead = null;
        } else if (noSchedule) {
            msg.append(displayName).append(": error: policy does not define schedule(); a policy must define\n    ")
                    .append(SIGNATURE).append("\nclang said:");
            lead = null;
        } else if (lead != null) {
            if (lead.file() == null)
                msg.append(displayName).append(": ");
            msg.append(lead.format());
        } else {
            msg.append(displayName).append(": clang failed (exit ").append(exitCode).append(")");
            String raw = output.strip();
            if (!raw.isEmpty())
                msg.append("\n").append(raw.length() > MAX_RAW_IN_MESSAGE ? raw.substring(0, MAX_RAW_IN_MESSAGE) + "\n..." : raw);
        }
        int shown = 0;
        for (Diagnostic d : all) {
            if (d == lead)
                continue;
            if (shown++ == MAX_SHOWN) {
                msg.append("\n... (").append(all.size() - MAX_SHOWN - (lead == null ? 0 : 1)).append(" more)");
                break;
            }
            msg.append("\n").append(d.format());
        }
        if (!noSchedule && all.stream().anyMatch(d -> d.severity().isError() && d.message().contains("'schedule'")))
            msg.append("\nhint: schedule() must be defined as ").append(SIGNATURE);
        return new CompileException(msg.toString(), all, output);
    }
}
