package dev.syrup.helm;

import com.marcnuri.helm.LintResult;
import dev.syrup.helm.testing.Chart;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** values.schema.json refuses wrong types, unknown keys and values outside an enum or range, naming the value. */
class ChartValuesSchemaTest {
    private static final String REFUSED = "values don't meet the specifications of the schema(s)";

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("replicas not a number", "operator: {replicas: many}\n",
                        "at '/operator/replicas': got string, want integer"),
                Arguments.of("replicas zero", "operator: {replicas: 0}\n", "at '/operator/replicas': minimum: got 0, want 1"),
                Arguments.of("unknown top-level key", "operater: {replicas: 2}\n",
                        "at '': additional properties 'operater' not allowed"),
                Arguments.of("unknown agent key", "agent: {hostNetwork: true}\n",
                        "at '/agent': additional properties 'hostNetwork' not allowed"),
                Arguments.of("log level not in the enum", "operator: {logLevel: VERBOSE}\n",
                        "at '/operator/logLevel': value must be one of 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'"),
                Arguments.of("pull policy not in the enum", "agent: {image: {pullPolicy: Sometimes}}\n",
                        "at '/agent/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'"),
                Arguments.of("image tag as a number", "agent: {image: {tag: 1.5}}\n",
                        "at '/agent/image/tag': got number, want string"),
                Arguments.of("tolerations as a map", "agent: {tolerations: {operator: Exists}}\n",
                        "at '/agent/tolerations': got object, want array"),
                Arguments.of("metrics port out of range", "agent: {metrics: {port: 70000}}\n",
                        "at '/agent/metrics/port': maximum: got 70,000, want 65,535"),
                Arguments.of("node selector value not a string", "agent: {nodeSelector: {ssd: true}}\n",
                        "at '/agent/nodeSelector/ssd': got boolean, want string"),
                Arguments.of("service account name not a DNS name", "operator: {serviceAccount: {name: Syrup_Operator}}\n",
                        "at '/operator/serviceAccount/name'"),
                Arguments.of("image pull secret without a name", "imagePullSecrets: [{secret: regcred}]\n",
                        "at '/imagePullSecrets/0': missing property 'name'"),
                Arguments.of("negative policy limit", "tenancy: {limits: {policies: -1}}\n", "at '/tenancy/limits/policies'"),
                Arguments.of("unknown hook type", "tenancy: {hooks: {tcEgress: {allNamespaces: true}}}\n",
                        "at '/tenancy/hooks': additional properties 'tcEgress' not allowed"),
                Arguments.of("namespace name not a DNS label", "tenancy: {hooks: {thread: {namespaces: [Team_A]}}}\n",
                        "at '/tenancy/hooks/thread/namespaces/0'"),
                Arguments.of("namespace selector operator not a Kubernetes one",
                        "tenancy: {hooks: {xdpCpu: {namespaceSelector: {matchExpressions: [{key: a, operator: Like}]}}}}\n",
                        "at '/tenancy/hooks/xdpCpu/namespaceSelector/matchExpressions/0/operator'"),
                Arguments.of("override without a namespace", "tenancy: {limits: {overrides: [{policies: 3}]}}\n",
                        "at '/tenancy/limits/overrides/0': missing property 'namespace'"));
    }

    @ParameterizedTest(name = "template: {0}")
    @MethodSource("invalid")
    void templateRefusesInvalidValues(String label, String values, String message) {
        assertThatThrownBy(() -> Chart.templateWithValues("syrup", "syrup-system", values))
                .hasMessageContaining(REFUSED)
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "lint: {0}")
    @MethodSource("invalid")
    void lintRefusesInvalidValues(String label, String values, String message) {
        LintResult result = Chart.lintWithValues(values);
        assertThat(result.isFailed()).as(label).isTrue();
        assertThat(result.getMessages()).anySatisfy(m -> assertThat(m).contains("[ERROR]").contains(message));
    }
}
