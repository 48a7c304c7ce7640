package dev.syrup.bpf;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opening or loading a BPF object failed. Carries what libbpf said, which for a verifier rejection
 * holds the full verifier log.
 */
public class BpfLoadException extends BpfException {
    private static final Pattern FAILED_PROGRAM = Pattern.compile("prog '([^']+)': (?:BPF program load failed|failed to load)");
    private static final Pattern LOG = Pattern.compile("-- BEGIN PROG LOAD LOG --\\n(.*?)-- END PROG LOAD LOG --", Pattern.DOTALL);

    private final String libbpfOutput;

    public BpfLoadException(String program, int errno, String libbpfOutput) {
        super("bpf_object__load", errno, "loading BPF object failed with error(" + errno + "): "
                + Errno.describe(errno) + lastLine(libbpfOutput));
        this.libbpfOutput = libbpfOutput == null ? "" : libbpfOutput;
    }

    private static String lastLine(String out) {
        if (out == null || out.isBlank()) {
            return "";
        }
        String[] lines = out.strip().split("\n");
        return " (" + lines[lines.length - 1].replaceFirst("^libbpf: ", "") + ")";
    }

    /** Everything libbpf printed while opening/loading. */
    public String libbpfOutput() { return libbpfOutput; }

    /** The program the kernel refused, if libbpf named one. */
    public String program() {
        Matcher m = FAILED_PROGRAM.matcher(libbpfOutput);
        return m.find() ? m.group(1) : null;
    }

    /** The verifier log, or empty if the failure was not a verifier rejection. */
    public String verifierLog() {
        Matcher m = LOG.matcher(libbpfOutput);
        return m.find() ? m.group(1) : "";
    }
}
