package dev.syrup.examples.kvserver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Policy changes read from a stream, one command a line, so that a benchmark can switch policies
 * under a running server: {@code policy FILE} deploys FILE for the server's port or replaces the
 * running policy with it, {@code policy none} removes the policy. Each command is answered with one
 * line: {@code POLICY <id>}, {@code POLICY none} or {@code POLICY failed: <why>} (the why on one line;
 * the running policy is then untouched). The end of the stream ends the commands, not the server.
 */
final class PolicyCommands {
    private final ServerPolicy policy;
    private final PrintStream out;

    PolicyCommands(ServerPolicy policy, PrintStream out) {
        this.policy = policy;
        this.out = out;
    }

    /** run answers the commands on in until it ends. */
    void run(BufferedReader in) throws IOException {
        for (String line; (line = in.readLine()) != null; ) {
            line = line.strip();
            if (!line.isEmpty()) {
                answer(line);
            }
        }
    }

    private void answer(String command) {
        String reply;
        try {
            reply = "POLICY " + execute(command);
        } catch (RuntimeException e) {
            // One line per answer: a compiler's message spans several.
            reply = "POLICY failed: " + String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", " / ");
        }
        out.println(reply);
        out.flush();
    }

    private String execute(String command) {
        String[] words = command.split("\\s+", 2);
        if (!words[0].equals("policy") || words.length < 2) {
            throw new IllegalArgumentException("unknown command '" + command + "' (policy FILE | policy none)");
        }
        if (words[1].equals("none")) {
            policy.remove();
            return "none";
        }
        return policy.apply(Path.of(words[1])).id();
    }
}
