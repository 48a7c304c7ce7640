package dev.syrup.helm;

import dev.syrup.helm.testing.Chart;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The tenancy values: the SchedulingPolicyRules object "default" and the aggregated tenant ClusterRoles. */
class ChartTenancyTest {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    @Test
    void defaultsAllowSocketSelectEverywhereAndLimitEachNamespace() {
        Map<String, Object> spec = rulesSpec(Chart.renderWithValues("syrup", "syrup-system", ValueSets.DEFAULTS));
        assertThat(spec).isEqualTo(Map.of(
                "hooks", Map.of(
                        "socket-select", Map.of("allNamespaces", true),
                        "xdp-cpu", Map.of("allNamespaces", false),
                        "xdp-socket", Map.of("allNamespaces", false),
                        "thread", Map.of("allNamespaces", false)),
                "limits", Map.of("policies", 16, "mapBytes", 67108864)));
    }

    @Test
    void customTenancyValuesReachTheRules() {
        Map<String, Object> spec = rulesSpec(Chart.renderWithValues("syrup", "syrup-system", """
                tenancy:
                  hooks:
                    socketSelect: {allNamespaces: false, namespaces: [shop]}
                    xdpCpu: {namespaces: [net], namespaceSelector: {matchLabels: {syrup.dev/xdp-cpu: allowed}}}
                    xdpSocket: {namespaces: [afxdp]}
                    thread:
                      namespaceSelector:
                        matchExpressions: [{key: tier, operator: In, values: [latency]}]
                  limits:
                    policies: null
                    mapBytes: 0
                    overrides: [{namespace: big, policies: 64}, {namespace: tiny, mapBytes: 4096}]
                """));
        assertThat(spec).isEqualTo(Map.of(
                "hooks", Map.of(
                        "socket-select", Map.of("allNamespaces", false, "namespaces", List.of("shop")),
                        "xdp-cpu", Map.of("allNamespaces", false, "namespaces", List.of("net"),
                                "namespaceSelector", Map.of("matchLabels", Map.of("syrup.dev/xdp-cpu", "allowed"))),
                        "xdp-socket", Map.of("allNamespaces", false, "namespaces", List.of("afxdp")),
                        "thread", Map.of("allNamespaces", false, "namespaceSelector", Map.of("matchExpressions",
                                List.of(Map.of("key", "tier", "operator", "In", "values", List.of("latency")))))),
                "limits", Map.of("mapBytes", 0, "overrides", List.of(
                        Map.of("namespace", "big", "policies", 64), Map.of("namespace", "tiny", "mapBytes", 4096)))));
    }

    @Test
    void tenantRolesAggregateIntoTheBuiltInRolesAndNeverWriteWhatTheOperatorOrAgentsOwn() {
        List<HasMetadata> objects = Chart.renderWithValues("syrup", "syrup-system", ValueSets.DEFAULTS);
        ClusterRole editor = role(objects, "syrup-policy-editor");
        ClusterRole viewer = role(objects, "syrup-policy-viewer");
        assertThat(editor.getMetadata().getLabels()).containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true")
                .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
                .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-view");
        assertThat(viewer.getMetadata().getLabels()).containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true")
                .doesNotContainKeys("rbac.authorization.k8s.io/aggregate-to-admin", "rbac.authorization.k8s.io/aggregate-to-edit");
        for (ClusterRole r : List.of(editor, viewer)) {
            for (PolicyRule rule : r.getRules()) {
                assertThat(rule.getApiGroups()).containsExactly("syrup.dev");
                assertThat(rule.getResources()).doesNotContain("schedulingpolicyrules", "*");
                if (!rule.getResources().equals(List.of("schedulingpolicies"))) {
                    assertThat(rule.getVerbs()).as(r.getMetadata().getName() + " " + rule.getResources())
                            .containsExactlyInAnyOrder("get", "list", "watch");
                }
            }
        }
    }

    @Test
    void bothCanBeLeftToTheAdministrator() {
        List<HasMetadata> objects = Chart.renderWithValues("syrup", "syrup-system",
                "tenancy: {rules: {create: false}, aggregateRoles: false}\n");
        assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("SchedulingPolicyRules");
        assertThat(objects).extracting(o -> o.getMetadata().getName()).doesNotContain("syrup-policy-editor", "syrup-policy-viewer");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> rulesSpec(List<HasMetadata> objects) {
        List<HasMetadata> rules = objects.stream().filter(o -> o.getKind().equals("SchedulingPolicyRules")).toList();
        assertThat(rules).singleElement().satisfies(r -> {
            assertThat(r.getMetadata().getName()).isEqualTo("default");
            assertThat(r.getMetadata().getNamespace()).isNull();
            assertThat(r.getApiVersion()).isEqualTo("syrup.dev/v1alpha1");
        });
        return (Map<String, Object>) JSON.convertValue(rules.get(0), Map.class).get("spec");
    }

    private static ClusterRole role(List<HasMetadata> objects, String name) {
        return objects.stream().filter(o -> o instanceof ClusterRole && o.getMetadata().getName().equals(name))
                .map(ClusterRole.class::cast).findFirst().orElseThrow(() -> new AssertionError("no ClusterRole " + name));
    }
}
