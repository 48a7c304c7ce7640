package dev.syrup.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds why the kernel's verifier rejected a program: the reason (the lines after the last instruction
 * it printed) and the source line it was checking (the last "; text @ file:line" line before that).
 */
public final class VerifierLog {
    private static final Pattern INSN = Pattern.compile("^\\d+: \\([0-9a-f]{2}\\).*");
    private static final Pattern SOURCE = Pattern.compile("^; (.*) @ (\\S+):(\\d+)\\s*$");
    private static final Pattern NOT_REASON = Pattern.compile("^(;.*|\\d+: R\\d.*|from \\d+ to \\d+:.*|func#\\d+ @\\d+"
            + "|verification time \\d+.*|stack depth .*|processed \\d+ insns.*|-- (BEGIN|END) PROG LOAD LOG --.*"
            + "|libbpf: .*)$");
    private static final String BEGIN = "-- BEGIN PROG LOAD LOG --";

    private final String log;
    private final String sourceFile;
    private final int sourceLine;
    private final String sourceText;
    private final boolean inPolicy;
    private final List<String> reason;

    private VerifierLog(String log, String sourceFile, int sourceLine, String sourceText, boolean inPolicy,
                        List<String> reason) {
        this.log = log;
        this.sourceFile = sourceFile;
        this.sourceLine = sourceLine;
        this.sourceText = sourceText;
        this.inPolicy = inPolicy;
        this.reason = List.copyOf(reason);
    }

    /**
     * @param policyFileName the file name the policy was compiled under ({@link PolicySource#fileName()}),
     *                       which is how the log names it
     */
    public static VerifierLog parse(String log, String policyFileName) {
        List<String> lines = List.of(log.split("\\R"));
        int start = 0; // libbpf wraps the log in BEGIN/END markers between its own messages
        int lastInsn = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(BEGIN) && lastInsn < 0)
                start = i + 1;
            if (INSN.matcher(lines.get(i)).matches())
                lastInsn = i;
        }

        List<String> reason = new ArrayList<>();
        for (int i = Math.max(start, lastInsn + 1); i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.contains("END PROG LOAD LOG"))
                break;
            if (!l.isEmpty() && !NOT_REASON.matcher(l).matches())
                reason.add(l);
        }

        String file = null;
        int line = -1;
        String text = null;
        for (int i = (lastInsn >= 0 ? lastInsn : lines.size()) - 1; i >= start; i--) {
            String l = lines.get(i);
            Matcher m = SOURCE.matcher(l);
            if (m.matches()) {
                if (Integer.parseInt(m.group(3)) == 0)
                    continue; // code the compiler made up, not a line of any file
                file = m.group(2);
                line = Integer.parseInt(m.group(3));
                text = m.group(1).strip();
                break;
            }
            if (l.startsWith("; ") && !l.contains(" @ ")) { // kernels before 6.x print no file:line
                text = l.substring(2).strip();
                break;
            }
        }
        String base = file == null ? null : file.substring(file.lastIndexOf('/') + 1);
        return new VerifierLog(log, base, line, text, base != null && base.equals(policyFileName), reason);
    }

    /** The rejection of programName as an exception naming the policy by its display name. */
    public static VerificationException toException(String programName, int errno, String log,
                                                    String policyFileName, String displayName) {
        return parse(log, policyFileName).toException(programName, errno, displayName);
    }

    public VerificationException toException(String programName, int errno, String displayName) {
        String location = sourceFile == null ? null : (inPolicy ? displayName : sourceFile) + ":" + sourceLine;
        return new VerificationException(programName, Math.abs(errno), displayName, inPolicy ? sourceLine : -1,
                location, sourceText, summary(), log);
    }

    /** File name of the failing source line as the log gives it, or null without line info. */
    public String sourceFile() { return sourceFile; }

    /** The failing source line's number, or -1. */
    public int sourceLine() { return sourceLine; }

    /** The failing source line's text, or null. */
    public String sourceText() { return sourceText; }

    /** Whether the failing source line is in the policy's file. */
    public boolean inPolicy() { return inPolicy; }

    /** The verifier's reason, line by line. */
    public List<String> reason() { return reason; }

    /** The reason's lines joined with "; ". */
    public String summary() { return String.join("; ", reason); }

    public String log() { return log; }
}
