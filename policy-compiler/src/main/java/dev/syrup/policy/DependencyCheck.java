package dev.syrup.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the dependency file clang wrote (-MD -MF) after a compile: every file clang read must be the
 * policy, an SDK file or a header under the directories the sandbox exposes. It stands behind the
 * PreprocessorGate and the sandbox, so a gap in either is refused instead of loaded.
 */
final class DependencyCheck {
    private DependencyCheck() {}

    /**
     * @param deps        the dependency file, in the sandbox's paths
     * @param policy      the policy's path in the sandbox
     * @param headerRoots the system header directories the sandbox exposes
     * @throws PolicyForbiddenException naming the first file outside what the compile may read
     */
    static void check(Path deps, String policy, List<Path> headerRoots, String displayName) throws IOException {
        if (!Files.isRegularFile(deps))
            throw new PolicyForbiddenException(displayName, -1, "clang wrote no list of the files it read, so the"
                    + " object cannot be shown to come from the policy and the SDK alone");
        for (String file : files(Files.readString(deps, StandardCharsets.ISO_8859_1))) {
            Path p = Path.of(file).normalize();
            boolean allowed = file.equals(policy) || (p.startsWith(CompileSandbox.SDK) && !file.contains(".."))
                    || headerRoots.stream().anyMatch(root -> p.startsWith(root) && !file.contains(".."));
            if (!allowed)
                throw new PolicyForbiddenException(displayName, -1, "the compile read " + file
                        + ", which is neither the policy, the SDK nor a header the SDK includes");
        }
    }

    /** The prerequisites of a make rule as clang writes it: "target: a b \<newline> c", '\ ' for a space. */
    static List<String> files(String rule) {
        String text = rule.replace("\\\r\n", " ").replace("\\\n", " ");
        int colon = text.indexOf(": ");
        if (colon < 0)
            return List.of();
        List<String> files = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String rest = text.substring(colon + 2);
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '\\' && i + 1 < rest.length() && (rest.charAt(i + 1) == ' ' || rest.charAt(i + 1) == '#')) {
                current.append(rest.charAt(++i));
            } else if (c == '$' && i + 1 < rest.length() && rest.charAt(i + 1) == '$') {
                current.append('$');
                i++;
            } else if (Character.isWhitespace(c)) {
                if (!current.isEmpty())
                    files.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (!current.isEmpty())
            files.add(current.toString());
        return files;
    }
}
