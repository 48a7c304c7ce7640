package dev.syrup.helm;

import com.marcnuri.helm.LintResult;
import dev.syrup.helm.testing.Chart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** helm lint --strict: warnings fail too. */
class ChartLintTest {
    @Test
    void defaultValuesLintStrictly() {
        LintResult result = Chart.lint();
        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.syrup.helm.ValueSets#all")
    void customValuesLintStrictly(String label, String release, String namespace, String values) {
        LintResult result = Chart.lintWithValues(values);
        assertThat(result.isFailed()).as("lint of %s failed: %s", label, result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }
}
