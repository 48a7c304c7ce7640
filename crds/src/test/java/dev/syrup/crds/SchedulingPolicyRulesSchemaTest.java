package dev.syrup.crds;

import dev.syrup.crds.v1alpha1.HookType;
import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.crds.v1alpha1.SchedulingPolicyRules;
import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cluster's SchedulingPolicyRules as the real API server admits them. Every object is a server-side dry run:
 * other tests of the same API server rely on the one real "default" object (or its absence).
 */
class SchedulingPolicyRulesSchemaTest {
    private static KubernetesClient client;

    @BeforeAll
    static void cluster() {
        client = KubeCluster.shared().admin();
        Crds.install(client);
    }

    private static final String FULL = """
            spec:
              hooks:
                socket-select: {allNamespaces: true}
                xdp-cpu: {namespaces: [net-team], namespaceSelector: {matchLabels: {syrup.dev/xdp-cpu: allowed}}}
                xdp-socket: {namespaces: [afxdp-team]}
                thread:
                  namespaceSelector:
                    matchExpressions: [{key: syrup.dev/thread, operator: In, values: ["true"]}]
              limits:
                policies: 16
                mapBytes: 67108864
                overrides: [{namespace: big-team, policies: 64}, {namespace: small-team, mapBytes: 0}]
            """;

    @Test
    void theDefaultObjectIsClusterScopedAndTyped() {
        SchedulingPolicyRules stored = client.resources(SchedulingPolicyRules.class)
                .resource(client.getKubernetesSerialization().unmarshal(rules("default", FULL), SchedulingPolicyRules.class))
                .dryRun().create();
        assertThat(stored.getMetadata().getNamespace()).isNull();
        assertThat(stored.getSpec().getHooks().forHook(HookType.XDP_CPU).getNamespaces()).containsExactly("net-team");
        assertThat(stored.getSpec().getHooks().forHook(HookType.XDP_SOCKET).getNamespaces()).containsExactly("afxdp-team");
        assertThat(stored.getSpec().getHooks().forHook(HookType.THREAD).getNamespaceSelector().getMatchExpressions()).hasSize(1);
        assertThat(stored.getSpec().getLimits().getPolicies()).isEqualTo(16);
        assertThat(stored.getSpec().getLimits().getMapBytes()).isEqualTo(67108864L);
        assertThat(stored.getSpec().getLimits().getOverrides()).extracting(o -> o.getNamespace()).containsExactly("big-team", "small-team");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("a second rules object", "team-rules", "spec: {}\n",
                        "there is one SchedulingPolicyRules object and it is named default"),
                Arguments.of("negative policy limit", "default", "spec: {limits: {policies: -1}}\n", "spec.limits.policies"),
                Arguments.of("negative map bytes", "default", "spec: {limits: {mapBytes: -5}}\n", "spec.limits.mapBytes"),
                Arguments.of("namespace name not a DNS label", "default", "spec: {hooks: {thread: {namespaces: [Team_A]}}}\n",
                        "spec.hooks.thread.namespaces[0]"),
                Arguments.of("xdp-socket namespace name not a DNS label", "default",
                        "spec: {hooks: {xdp-socket: {namespaces: [AF_XDP]}}}\n", "spec.hooks.xdp-socket.namespaces[0]"),
                Arguments.of("a namespace overridden twice", "default",
                        "spec: {limits: {overrides: [{namespace: a, policies: 1}, {namespace: a, policies: 2}]}}\n",
                        "a namespace is listed once"),
                Arguments.of("override without namespace", "default", "spec: {limits: {overrides: [{policies: 1}]}}\n",
                        "spec.limits.overrides[0].namespace: Required value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsInvalidRules(String what, String name, String spec, String message) {
        assertThatThrownBy(() -> client.resource(rules(name, spec)).dryRun().create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isIn(400, 422))
                .hasMessageContaining(message);
        assertThat(client.resources(SchedulingPolicyRules.class).withName(name).get()).as("rejected rules not stored").isNull();
    }

    private static String rules(String name, String spec) {
        return "apiVersion: " + SchedulingPolicy.GROUP + "/" + SchedulingPolicy.VERSION + "\nkind: SchedulingPolicyRules\n"
                + "metadata:\n  name: " + name + "\n" + spec;
    }
}
