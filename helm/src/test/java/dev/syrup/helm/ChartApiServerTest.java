package dev.syrup.helm;

import dev.syrup.helm.testing.Chart;
import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rendered chart as the real API server judges it: every object is server-side applied as a dry run (full
 * validation and admission, nothing persisted) into the release namespace, after the CRDs are installed.
 */
class ChartApiServerTest {
    private static KubeCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void cluster() {
        cluster = KubeCluster.shared();
        client = cluster.admin();
        Crds.install(client);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.syrup.helm.ValueSets#all")
    void renderedManifestsAreAcceptedByTheApiServer(String label, String release, String prefix, String values) {
        String namespace = cluster.newNamespace(prefix);
        List<HasMetadata> objects = Chart.renderWithValues(release, namespace, values);

        List<HasMetadata> accepted = new ArrayList<>();
        for (HasMetadata o : objects) {
            accepted.add(dryRunApply(o));
        }

        assertThat(accepted).hasSameSizeAs(objects);
        // What the server would store: defaults filled in, our fields intact.
        DaemonSet agent = ChartTemplateTest.one(accepted, DaemonSet.class);
        assertThat(agent.getMetadata().getNamespace()).isEqualTo(namespace);
        ChartTemplateTest.assertAgentIsPrivilegedWithTheNodesPaths(agent);
        assertThat(agent.getSpec().getTemplate().getSpec().getDnsPolicy()).isEqualTo("ClusterFirst");
        Deployment operator = ChartTemplateTest.one(accepted, Deployment.class);
        ChartTemplateTest.assertOperatorIsUnprivileged(operator);
        assertThat(operator.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        // Nothing was persisted.
        assertThat(client.apps().daemonSets().inNamespace(namespace).list().getItems()).isEmpty();
    }

    /** The dry run really is judged: a value the schema cannot check is refused by the server's admission. */
    @Test
    void theApiServerRefusesAPriorityClassThatDoesNotExist() {
        String namespace = cluster.newNamespace("bad-priority");
        DaemonSet agent = ChartTemplateTest.one(Chart.renderWithValues("syrup", namespace,
                "agent: {priorityClassName: no-such-class}\n"), DaemonSet.class);
        // The DaemonSet itself is stored (priority is resolved per pod); a pod made from its template is refused.
        io.fabric8.kubernetes.api.model.Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata().withName("agent-probe").withNamespace(namespace).endMetadata()
                .withSpec(agent.getSpec().getTemplate().getSpec()).build();
        assertThatThrownBy(() -> client.resource(pod).dryRun().create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("no PriorityClass with name no-such-class was found");
    }

    /**
     * Both service accounts are bound by the chart's RBAC templates (operator-rbac.yaml, agent-rbac.yaml). Those
     * templates come from the operator's and the agent's side of the project; while the chart renders no binding at
     * all, there is nothing to check yet and the test is skipped. Once any binding is rendered, both must be.
     */
    @Test
    void bothServiceAccountsAreBoundByTheChartsRbac() {
        String namespace = "syrup-system";
        List<HasMetadata> objects = Chart.rbac("syrup", namespace, java.util.Map.of());
        List<Subject> subjects = new ArrayList<>();
        objects.stream().filter(RoleBinding.class::isInstance).map(RoleBinding.class::cast)
                .forEach(b -> subjects.addAll(b.getSubjects()));
        objects.stream().filter(ClusterRoleBinding.class::isInstance).map(ClusterRoleBinding.class::cast)
                .forEach(b -> subjects.addAll(b.getSubjects()));
        assertThat(subjects).as("the chart's RBAC (operator-rbac.yaml, agent-rbac.yaml) binds someone").isNotEmpty();

        assertThat(objects).filteredOn(ServiceAccount.class::isInstance).extracting(o -> o.getMetadata().getName())
                .containsExactlyInAnyOrder("syrup-operator", "syrup-agent");
        for (String account : List.of("syrup-operator", "syrup-agent")) {
            assertThat(subjects).as("bindings of service account " + account)
                    .anySatisfy(s -> {
                        assertThat(s.getKind()).isEqualTo("ServiceAccount");
                        assertThat(s.getName()).isEqualTo(account);
                        assertThat(s.getNamespace()).isEqualTo(namespace);
                    });
        }
    }

    private static HasMetadata dryRunApply(HasMetadata o) {
        return client.resource(o).dryRun().fieldManager("helm").forceConflicts().serverSideApply();
    }
}
