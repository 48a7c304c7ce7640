package dev.syrup.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyTextTest {
    @Test
    void blanksCommentsKeepsLinesAndStrings() {
        String text = "// map 'a'\n/* a\n a */ int x; /* a */\nchar *s = \"// a /* a\";\nSYRUP_ARRAY(a, int, 1);\n";
        String code = PolicyText.withoutComments(text);
        assertThat(code.lines().count()).isEqualTo(text.lines().count());
        assertThat(code.lines().toList().get(4)).isEqualTo("SYRUP_ARRAY(a, int, 1);");
        assertThat(code.lines().toList().get(3)).isEqualTo("char *s = \"// a /* a\";");
        assertThat(code.lines().limit(3).toList()).allSatisfy(l -> assertThat(l).doesNotContain("a"));
    }
}
