package dev.syrup.policy;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Refuses, before clang runs, a policy that uses the preprocessor to reach anything but syrup.h: another
 * #include (or #include_next, #import, #embed, a computed include), #pragma and _Pragma, #line and line
 * markers, #ident/#sccs, #assert/#unassert, an unknown directive, __has_include and __has_embed. It reads
 * the text as clang's early translation phases leave it: backslash-newlines spliced, comments (a comment
 * may sit between '#' and the directive's name) and string/character literals skipped, the digraph %: taken
 * for '#'. Directives are allow-listed, so anything it does not recognise is refused rather than passed.
 *
 * Two constructs are refused because they could build a forbidden name where no text of the policy shows
 * it: token pasting (## or %:%:) can paste _Pragma or __has_include together from harmless pieces at
 * expansion time, and a universal character name (backslash-u) outside a literal can spell a name
 * differently. Stringizing (#x) is allowed: it only makes string literals, and a string reaches a file only
 * through #include, _Pragma or __has_include, none of which a policy can write or assemble without
 * pasting. Trigraphs (??= is '#', ??/ is a backslash) are refused wherever they appear, so the gate never
 * depends on whether clang replaces them. The compile sandbox and the dependency check stand behind this.
 */
public final class PreprocessorGate {
    /** The directives a policy may use besides #include "syrup.h". */
    private static final Set<String> ALLOWED = Set.of(
            "define", "undef", "if", "ifdef", "ifndef", "elif", "else", "endif", "error", "warning");
    /** Names that reach files or the toolchain however they are used. */
    private static final Set<String> FORBIDDEN_NAMES = Set.of(
            "_Pragma", "__pragma", "__has_include", "__has_include_next", "__has_include__", "__has_include_next__",
            "__has_embed");
    private static final String ONLY_SYRUP_H = "a policy may include only syrup.h";

    private final String name;
    private final Text text;
    private int pos;

    private PreprocessorGate(String name, byte[] content) {
        this.name = name;
        this.text = Text.of(content);
    }

    /**
     * Checks a policy's text.
     *
     * @throws PolicyForbiddenException naming the first forbidden construct and its line
     */
    public static void check(PolicySource src) {
        new PreprocessorGate(src.name(), src.content()).scan();
    }

    private void scan() {
        text.refuseTrigraphs(this);
        boolean lineStart = true;
        while (pos < text.length()) {
            char c = text.at(pos);
            if (c == '\n') {
                lineStart = true;
                pos++;
            } else if (isBlank(c)) {
                pos++;
            } else if (startsComment()) {
                int from = pos;
                skipComment();
                // A comment that spans lines may leave the next token first on its line: treat it so,
                // which can only make the gate stricter than clang.
                lineStart |= text.slice(from, pos).indexOf('\n') >= 0;
            } else if (lineStart && isHash()) {
                directive();
                lineStart = false;
            } else {
                lineStart = false;
                token();
            }
        }
    }

    private void token() {
        char c = text.at(pos);
        if (c == '"' || c == '\'') {
            skipLiteral(c);
        } else if (isIdentStart(c)) {
            int start = pos;
            String id = identifier();
            if (pos < text.length() && (text.at(pos) == '"' || text.at(pos) == '\'') && isLiteralPrefix(id)) {
                skipLiteral(text.at(pos));
            } else if (pos < text.length() && text.at(pos) == '"' && id.endsWith("R")) {
                throw refuse(start, "a raw string literal (" + id + "\"...\")");
            } else if (FORBIDDEN_NAMES.contains(id)) {
                throw refuse(start, id + " (" + why(id) + ")");
            }
        } else if (isDigit(c) || (c == '.' && pos + 1 < text.length() && isDigit(text.at(pos + 1)))) {
            ppNumber();
        } else if (c == '\\') {
            throw refuse(pos, "a backslash outside a string or character literal (a universal character name"
                    + " can spell a name the gate would not recognise)");
        } else if (c == '#' && pos + 1 < text.length() && text.at(pos + 1) == '#'
                || c == '%' && text.startsWith(pos, "%:%:")) {
            throw refuse(pos, "token pasting (##): it can assemble _Pragma or __has_include at expansion time");
        } else if (c == '%' && text.startsWith(pos, "%:")) {
            pos += 2; // stringizing, spelled as a digraph
        } else {
            pos++;
        }
    }

    private void directive() {
        int hash = pos;
        pos += text.at(pos) == '#' ? 1 : 2;
        skipBlanksAndComments();
        if (pos >= text.length() || text.at(pos) == '\n')
            return; // the null directive
        if (isHashAt(pos))
            throw refuse(hash, "token pasting (##): it can assemble _Pragma or __has_include at expansion time");
        if (isDigit(text.at(pos)))
            throw refuse(hash, "a line marker (# NUMBER): it forges the file and line clang reports");
        if (!isIdentStart(text.at(pos)))
            throw refuse(hash, "an unknown preprocessor directive");
        String directive = identifier();
        if (directive.equals("include")) {
            include(hash);
        } else if (!ALLOWED.contains(directive)) {
            throw refuse(hash, "#" + directive + " (" + whyDirective(directive) + ")");
        }
        // the rest of the line is scanned as tokens: a forbidden name in #if or #define is refused there
    }

    private void include(int hash) {
        skipBlanksAndComments();
        int start = pos;
        char open = pos < text.length() ? text.at(pos) : '\n';
        char close = open == '"' ? '"' : open == '<' ? '>' : 0;
        if (close == 0)
            throw refuse(hash, "#include of a macro (a computed include); " + ONLY_SYRUP_H);
        int end = pos + 1;
        while (end < text.length() && text.at(end) != close && text.at(end) != '\n')
            end++;
        String header = text.slice(start + 1, Math.min(end, text.length()));
        if (end >= text.length() || text.at(end) != close || !header.equals("syrup.h"))
            throw refuse(hash, "#include " + open + shown(header) + (end < text.length() && text.at(end) == close ? close : "")
                    + " (" + ONLY_SYRUP_H + ")");
        pos = end + 1;
        skipBlanksAndComments();
        if (pos < text.length() && text.at(pos) != '\n')
            throw refuse(hash, "text after #include \"syrup.h\"");
    }

    private static String why(String id) {
        return id.contains("pragma") || id.contains("Pragma")
                ? "pragmas change the compiler's behaviour and can name files"
                : "it probes the files of the machine that compiles the policy";
    }

    private static String whyDirective(String directive) {
        return switch (directive) {
            case "include_next", "import", "embed" -> ONLY_SYRUP_H;
            case "pragma" -> "pragmas change the compiler's behaviour and can name files";
            case "line" -> "it forges the file and line clang reports";
            default -> "not a directive a policy may use";
        };
    }

    /** The policy's own text of an include, cut short and with control characters shown as '?'. */
    private static String shown(String header) {
        String s = header.length() > 80 ? header.substring(0, 80) + "..." : header;
        return s.replaceAll("[\\p{Cntrl}]", "?");
    }

    private PolicyForbiddenException refuse(int at, String what) {
        return new PolicyForbiddenException(name, text.lineOf(at), what);
    }

    private boolean isHash() { return isHashAt(pos); }

    private boolean isHashAt(int at) {
        return at < text.length() && (text.at(at) == '#' || text.startsWith(at, "%:"));
    }

    private boolean startsComment() {
        return text.startsWith(pos, "/*") || text.startsWith(pos, "//");
    }

    private void skipComment() {
        if (text.startsWith(pos, "//")) {
            while (pos < text.length() && text.at(pos) != '\n')
                pos++;
        } else {
            int end = text.indexOf("*/", pos + 2);
            pos = end < 0 ? text.length() : end + 2;
        }
    }

    private void skipBlanksAndComments() {
        while (pos < text.length()) {
            if (isBlank(text.at(pos)))
                pos++;
            else if (startsComment())
                skipComment();
            else
                return;
        }
    }

    /** A string or character literal; like clang, an unterminated one ends at the end of its line. */
    private void skipLiteral(char quote) {
        pos++;
        while (pos < text.length()) {
            char c = text.at(pos);
            if (c == '\n')
                return;
            pos++;
            if (c == '\\' && pos < text.length() && text.at(pos) != '\n')
                pos++;
            else if (c == quote)
                return;
        }
    }

    private String identifier() {
        int start = pos;
        while (pos < text.length() && isIdentPart(text.at(pos)))
            pos++;
        return text.slice(start, pos);
    }

    /** A preprocessing number, e.g. 0x1e+5 or 1.5e-3: its letters are not names. */
    private void ppNumber() {
        while (pos < text.length()) {
            char c = text.at(pos);
            if ((c == '+' || c == '-') && "eEpP".indexOf(text.at(pos - 1)) >= 0)
                pos++;
            else if (isIdentPart(c) || c == '.' || c == '\'')
                pos++;
            else
                return;
        }
    }

    private static boolean isLiteralPrefix(String id) {
        return id.equals("L") || id.equals("u") || id.equals("U") || id.equals("u8");
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\f' || c == 0x0b || c == '\r';
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    private static boolean isIdentStart(char c) {
        return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
    }

    private static boolean isIdentPart(char c) { return isIdentStart(c) || isDigit(c); }

    /**
     * The policy after line splicing, each character remembering its line in the original text. Bytes are
     * read as ISO-8859-1 so each stays one character; only ASCII has a meaning to the preprocessor.
     */
    private static final class Text {
        private final String original;
        private final StringBuilder spliced = new StringBuilder();
        private String chars;
        private int[] lines = new int[64];

        private Text(String original) { this.original = original; }

        static Text of(byte[] content) {
            Text t = new Text(new String(content, StandardCharsets.ISO_8859_1));
            t.splice();
            t.chars = t.spliced.toString();
            return t;
        }

        /** Removes backslash-newline (clang also accepts blanks between the two) and records lines. */
        private void splice() {
            int line = 1;
            String s = original;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\') {
                    int j = i + 1;
                    while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t' || s.charAt(j) == '\f'
                            || s.charAt(j) == 0x0b))
                        j++;
                    if (j < s.length() && s.charAt(j) == '\r')
                        j++;
                    if (j < s.length() && s.charAt(j) == '\n') {
                        line++;
                        i = j;
                        continue;
                    }
                }
                add(c, line);
                if (c == '\n')
                    line++;
            }
        }

        private void add(char c, int line) {
            if (spliced.length() == lines.length)
                lines = java.util.Arrays.copyOf(lines, lines.length * 2);
            lines[spliced.length()] = line;
            spliced.append(c);
        }

        /** Trigraphs are refused in the original text, comments and literals included. */
        void refuseTrigraphs(PreprocessorGate gate) {
            int at = original.indexOf("??");
            while (at >= 0 && at + 2 < original.length()) {
                if ("=/'()!<>-".indexOf(original.charAt(at + 2)) >= 0) {
                    int line = 1;
                    for (int i = 0; i < at; i++)
                        if (original.charAt(i) == '\n')
                            line++;
                    throw new PolicyForbiddenException(gate.name, line, "a trigraph (??" + original.charAt(at + 2)
                            + "): write the character itself");
                }
                at = original.indexOf("??", at + 1);
            }
        }

        int length() { return chars.length(); }

        char at(int i) { return chars.charAt(i); }

        boolean startsWith(int i, String prefix) { return chars.startsWith(prefix, i); }

        int indexOf(String s, int from) { return chars.indexOf(s, from); }

        String slice(int from, int to) { return chars.substring(from, to); }

        int lineOf(int i) { return chars.isEmpty() ? 1 : lines[Math.min(i, chars.length() - 1)]; }
    }
}
