package dev.syrup.policy;

import dev.syrup.policy.Diagnostic.Severity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Parsing clang's text (the real-clang cases are in PolicyCompilerTest). */
class ClangDiagnosticsTest {
    static final String CONFLICT = """
            In file included from socket_select.bpf.c:10:
            /home/me/sig.c:3:5: error: conflicting types for 'schedule'
            int schedule(int x)
                ^
            syrup_hook.h:37:30: note: previous declaration is here
            static __always_inline __u32 schedule(void *pkt_start, void *pkt_end);
                                         ^
            1 error generated.
            """;

    @Test
    void parsesLocationsSeveritiesAndSnippets() {
        List<Diagnostic> d = ClangDiagnostics.parse(CONFLICT);
        assertThat(d).hasSize(2);
        assertThat(d.get(0)).isEqualTo(new Diagnostic("/home/me/sig.c", 3, 5, Severity.ERROR,
                "conflicting types for 'schedule'", List.of("int schedule(int x)", "    ^")));
        assertThat(d.get(1).file()).isEqualTo("syrup_hook.h");
        assertThat(d.get(1).severity()).isEqualTo(Severity.NOTE);
        assertThat(d.get(1).snippet()).hasSize(2);
    }

    @Test
    void leadsWithTheErrorInTheUsersFile() {
        String out = """
                syrup_hook.h:10:1: error: something in the SDK
                /home/me/p.c:4:2: warning: unused variable 'x' [-Wunused-variable]
                        int x;
                        ^
                /home/me/p.c:6:9: error: use of undeclared identifier 'y'
                        return y;
                               ^
                2 errors generated.
                """;
        CompileException e = ClangDiagnostics.toException(out, "/home/me/p.c", 1);
        assertThat(e.getMessage()).startsWith("""
                /home/me/p.c:6:9: error: use of undeclared identifier 'y'
                        return y;
                               ^
                syrup_hook.h:10:1: error: something in the SDK
                /home/me/p.c:4:2: warning: unused variable 'x'""");
        assertThat(e.getMessage()).doesNotContain("generated");
        assertThat(e.diagnostics()).hasSize(3);
        assertThat(e.output()).isEqualTo(out);
    }

    @Test
    void withoutAnErrorInTheUsersFileLeadsWithTheFirstError() {
        String out = "a.h:1:2: warning: w\nb.h:3:4: error: e1\nc.h:5:6: error: e2\n";
        assertThat(ClangDiagnostics.toException(out, "p.c", 1).getMessage()).startsWith("b.h:3:4: error: e1\na.h:1:2: warning: w");
    }

    @Test
    void driverErrorsHaveNoLocation() {
        String out = "clang: error: unknown argument: '-mfoo'\n";
        CompileException e = ClangDiagnostics.toException(out, "p.c", 1);
        assertThat(e.diagnostics()).containsExactly(
                new Diagnostic(null, -1, -1, Severity.ERROR, "unknown argument: '-mfoo'", List.of()));
        assertThat(e.getMessage()).isEqualTo("p.c: error: unknown argument: '-mfoo'");
    }

    @Test
    void unparsableOutputIsCountedNotQuoted() {
        // a line clang prints that is not a message may quote anything: only its count is shown
        CompileException e = ClangDiagnostics.toException("Segmentation fault\n", "p.c", 139);
        assertThat(e.getMessage()).isEqualTo("p.c: clang failed (exit 139)\n"
                + "[1 line of clang's output not shown: only the policy's own lines are quoted]");
        assertThat(e.diagnostics()).isEmpty();
        assertThat(e.output()).doesNotContain("Segmentation fault");
    }

    @Test
    void sourceLinesOfOtherFilesAreNeverQuoted() {
        String out = """
                In file included from socket_select.bpf.c:10:
                p.c:3:5: error: conflicting types for 'schedule'
                int schedule(int x)
                    ^
                syrup_hook.h:37:30: note: previous declaration is here
                static __always_inline __u32 schedule(void *pkt_start, void *pkt_end);
                                             ^
                syrup.h:40:2: note: expanded from macro 'SYRUP_ARRAY'
                        struct { secret text of a header } name SEC(".maps")
                        ^
                1 error generated.
                """;
        CompileException e = ClangDiagnostics.toException(out, "p.c", 1);
        for (String text : List.of(e.getMessage(), e.output(), e.diagnostics().toString(),
                e.diagnostics().stream().map(Diagnostic::format).toList().toString())) {
            assertThat(text).doesNotContain("static __always_inline").doesNotContain("secret text");
        }
        assertThat(e.getMessage()).contains("int schedule(int x)").contains("syrup_hook.h:37:30: note: previous declaration is here")
                .contains("syrup.h:40:2: note: expanded from macro 'SYRUP_ARRAY'");
        assertThat(e.diagnostics().get(1).snippet()).isEmpty();
        assertThat(e.output()).contains("[4 lines of clang's output not shown");
    }

    @Test
    void wrongSignatureGetsAHint() {
        assertThat(ClangDiagnostics.toException(CONFLICT, "/home/me/sig.c", 1).getMessage())
                .endsWith("\nhint: schedule() must be defined as uint32_t schedule(void *pkt_start, void *pkt_end)");
    }
}
