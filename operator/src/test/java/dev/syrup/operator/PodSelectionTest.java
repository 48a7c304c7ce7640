package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.PodSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PodSelectionTest {
    @Test
    void matchLabelsAndExpressionsAreAnded() {
        PodSelector s = new PodSelector(Map.of("app", "kv"));
        s.setMatchExpressions(List.of(
                new LabelSelectorRequirementBuilder().withKey("tier").withOperator("NotIn").withValues("back").build(),
                new LabelSelectorRequirementBuilder().withKey("canary").withOperator("DoesNotExist").build()));
        assertThat(PodSelection.matches(s, Map.of("app", "kv", "tier", "front"))).isTrue();
        assertThat(PodSelection.matches(s, Map.of("app", "kv"))).isTrue();
        assertThat(PodSelection.matches(s, Map.of("app", "kv", "tier", "back"))).isFalse();
        assertThat(PodSelection.matches(s, Map.of("app", "kv", "canary", "1"))).isFalse();
        assertThat(PodSelection.matches(s, Map.of("app", "web"))).isFalse();
    }

    @Test
    void anEmptySelectorSelectsNothing() {
        assertThat(PodSelection.matches(new PodSelector(), Map.of("app", "kv"))).isFalse();
    }

    @Test
    void invalidSelectorsAreExplained() {
        PodSelector other = new PodSelector(Map.of("a", "b"));
        other.setNamespace("kube-system");
        assertThat(PodSelection.validate(other, "team")).contains("kube-system");
        PodSelector noValues = new PodSelector();
        noValues.setMatchExpressions(List.of(new LabelSelectorRequirementBuilder().withKey("k").withOperator("In").build()));
        assertThat(PodSelection.validate(noValues, "team")).contains("needs values");
    }
}
