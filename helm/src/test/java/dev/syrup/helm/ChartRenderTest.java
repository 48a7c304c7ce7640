package dev.syrup.helm;

import dev.syrup.helm.testing.Chart;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChartRenderTest {
    @Test
    void rendersTheAdmissionPolicy() {
        var objects = Chart.render("syrup", "syrup-system", Map.of());
        assertThat(objects).extracting(o -> o.getKind())
                .contains("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
    }
}
