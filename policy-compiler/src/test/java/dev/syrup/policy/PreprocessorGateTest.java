package dev.syrup.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.assertThat;

/** The source gate on its own (the hostile corpus runs it end to end through syrup check and syrupd). */
class PreprocessorGateTest {
    private static final String BODY = "\nuint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }\n";

    private static void check(String text) {
        PreprocessorGate.check(PolicySource.of("p.c", text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "#include \"syrup.h\"",
            "#include <syrup.h>",
            "  #  include \"syrup.h\"  // the SDK",
            "#include /* c */ \"syrup.h\" /* d */",
            "%:include \"syrup.h\"",
            "#include \"syr\\\nup.h\"",
            "#include \"syrup.h\"\n#define S(x) #x\nstatic const char *name = S(hello);",
            "#include \"syrup.h\"\n#if defined(X) && X > 1\n#error not yet\n#elif 0\n#warning w\n#else\n#endif\n#undef X",
            "#include \"syrup.h\"\nstatic const char *s = \"#include <x.h> _Pragma __has_include ## ??\";",
            "#include \"syrup.h\"\nstatic const char c = '#';\n// #include </etc/passwd> in a comment\n/* #pragma too */",
            "#include \"syrup.h\"\n#\n",
            "#include \"syrup.h\"\n// a comment spliced onto the next line \\\n#include \"/etc/passwd\"",
            "#include \"syrup.h\"\nstatic const char *w = L\"x\" u8\"y\";\nstatic int n = 0x1e+5 + 1.5e-3;",
    })
    void acceptsWhatAPolicyNeeds(String head) {
        assertThatCode(() -> check(head + BODY)).doesNotThrowAnyException();
    }

    static Stream<Arguments> forbidden() {
        return Stream.of(
                Arguments.of("#include \"/etc/passwd\"", 1, "#include \"/etc/passwd\" (a policy may include only syrup.h)"),
                Arguments.of("#include <linux/bpf.h>", 1, "#include <linux/bpf.h>"),
                Arguments.of("#include \"syrup.h\" extra", 1, "text after #include"),
                Arguments.of("#include SYRUP", 1, "a computed include"),
                Arguments.of("#include_next <syrup.h>", 1, "#include_next"),
                Arguments.of("#import \"syrup.h\"", 1, "#import"),
                Arguments.of("#embed \"x\"", 1, "#embed"),
                Arguments.of("#pragma once", 1, "#pragma"),
                Arguments.of("#line 7", 1, "#line"),
                Arguments.of("# 7 \"x.c\"", 1, "line marker"),
                Arguments.of("#ident \"x\"", 1, "#ident"),
                Arguments.of("#sccs \"x\"", 1, "#sccs"),
                Arguments.of("#assert a(b)", 1, "#assert"),
                Arguments.of("#unassert a", 1, "#unassert"),
                Arguments.of("#includes", 1, "#includes"),
                Arguments.of("#if __has_include(<x>)\n#endif", 1, "__has_include"),
                Arguments.of("#if __has_include_next(<x>)\n#endif", 1, "__has_include_next"),
                Arguments.of("#if __has_embed(\"x\")\n#endif", 1, "__has_embed"),
                Arguments.of("_Pragma(\"once\")", 1, "_Pragma"),
                Arguments.of("__pragma(once)", 1, "__pragma"),
                Arguments.of("#define P(x) _Pragma(#x)", 1, "_Pragma"),
                Arguments.of("#define C(a, b) a ## b", 1, "token pasting"),
                Arguments.of("#define C(a, b) a %:%: b", 1, "token pasting"),
                Arguments.of("int x;\n%:pragma once", 2, "#pragma"),
                Arguments.of("int x; /* a comment\n */ #include \"x\"", 2, "#include \"x\""),
                Arguments.of("#/**/include \"x\"", 1, "#include \"x\""),
                Arguments.of("#in\\\nclude \"x\"", 1, "#include \"x\""),
                Arguments.of("# \\\n include \"x\"", 1, "#include \"x\""),
                Arguments.of("??=include \"x\"", 1, "trigraph"),
                Arguments.of("int a = 1; // ok??/\n#include \"x\"", 1, "trigraph"),
                Arguments.of("_Pr\\u0061gma(\"x\")", 1, "universal character name"),
                Arguments.of("static const char *r = R\"(x)\";", 1, "raw string"),
                Arguments.of("#\u0001include \"x\"", 1, "unknown preprocessor directive"));
    }

    @ParameterizedTest
    @MethodSource("forbidden")
    void refusesEveryRouteOutOfThePolicy(String text, int line, String what) {
        PolicyForbiddenException e = catchThrowableOfType(PolicyForbiddenException.class,
                () -> check(text + BODY));
        assertThat(e).as(text).isNotNull();
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.file()).isEqualTo("p.c");
        assertThat(e.getMessage()).startsWith("p.c:" + line + ": forbidden: ").contains(what);
    }

    @Test
    void linesCountSplicedLinesOfTheOriginal() {
        assertThatThrownBy(() -> check("#include \"syrup.h\"\n#define A 1 \\\n  + 2\n/* x\n y */\n#pragma once\n"))
                .isInstanceOf(PolicyForbiddenException.class).hasMessageStartingWith("p.c:6: forbidden: #pragma");
    }

    @Test
    void anIncludeNamedInTheMessageIsThePoliciesOwnTextCutShort() {
        String longPath = "/" + "a".repeat(300);
        assertThatThrownBy(() -> check("#include \"" + longPath + "\"\n"))
                .hasMessageContaining("/" + "a".repeat(79) + "...").hasMessageNotContaining("a".repeat(80));
    }
}
