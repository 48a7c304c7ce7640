package dev.syrup.helm;

import dev.syrup.helm.testing.Chart;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** helm template with default and custom values, and what the rendered objects say. */
class ChartTemplateTest {
    /** Kinds of the objects this chart's own templates make (RBAC comes from operator-rbac.yaml and agent-rbac.yaml). */
    private static final Set<String> WORKLOAD_KINDS = Set.of("ServiceAccount", "Deployment", "DaemonSet", "Service");

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.syrup.helm.ValueSets#all")
    void everyValueSetRendersTheOperatorTheAgentAndTheAdmissionPolicy(String label, String release, String namespace,
                                                                       String values) {
        List<HasMetadata> objects = Chart.renderWithValues(release, namespace, values);

        assertThat(objects).extracting(HasMetadata::getKind)
                .contains("Deployment", "DaemonSet", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
        assertThat(objects).filteredOn(o -> WORKLOAD_KINDS.contains(o.getKind()))
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).as(o.getKind() + " " + o.getMetadata().getName())
                        .isEqualTo(namespace));
        assertThat(objects).filteredOn(o -> WORKLOAD_KINDS.contains(o.getKind()))
                .allSatisfy(o -> assertThat(o.getMetadata().getLabels())
                        .containsEntry("app.kubernetes.io/instance", release)
                        .containsEntry("app.kubernetes.io/managed-by", "Helm")
                        .containsEntry("app.kubernetes.io/name", "syrup")
                        .containsKey("app.kubernetes.io/component"));
        // Unique names per kind: two templates never render the same object (e.g. a ServiceAccount in an RBAC file too).
        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).doesNotHaveDuplicates();

        Deployment operator = one(objects, Deployment.class);
        DaemonSet agent = one(objects, DaemonSet.class);
        assertThat(operator.getSpec().getSelector().getMatchLabels()).isEqualTo(selector(release, "operator"));
        assertThat(operator.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector(release, "operator"));
        assertThat(agent.getSpec().getSelector().getMatchLabels()).isEqualTo(selector(release, "agent"));
        assertThat(agent.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector(release, "agent"));
        assertAgentIsPrivilegedWithTheNodesPaths(agent);
        assertOperatorIsUnprivileged(operator);
    }

    @Test
    void defaults() {
        List<HasMetadata> objects = Chart.renderWithValues("syrup", "syrup-system", ValueSets.DEFAULTS);
        Deployment operator = one(objects, Deployment.class);
        DaemonSet agent = one(objects, DaemonSet.class);

        assertThat(operator.getMetadata().getName()).isEqualTo("syrup-operator");
        assertThat(agent.getMetadata().getName()).isEqualTo("syrup-agent");
        assertThat(operator.getSpec().getReplicas()).isEqualTo(1);
        Container op = container(operator.getSpec().getTemplate().getSpec());
        Container ag = container(agent.getSpec().getTemplate().getSpec());
        assertThat(op.getImage()).isEqualTo("syrup/syrup-operator:0.1.0");
        assertThat(ag.getImage()).isEqualTo("syrup/syrup-agent:0.1.0");
        assertThat(op.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(env(op)).containsEntry("QUARKUS_LOG_LEVEL", "INFO").doesNotContainKey("QUARKUS_OPERATOR_SDK_NAMESPACES");
        assertThat(env(ag)).containsEntry("SYRUP_LOG_LEVEL", "INFO").containsEntry("SYRUP_SOCKET", "/run/syrup/syrupd.sock");

        assertThat(ag.getArgs()).containsExactly("agent", "--node-name", "$(NODE_NAME)",
                "--socket", "/run/syrup/syrupd.sock", "--state-dir", "/run/syrup-agent/state", "--pin-root", "/sys/fs/bpf/syrup",
                "--cache-dir", "/var/cache/syrup", "--metrics-port", "9464");
        assertThat(ag.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("metrics");
            assertThat(p.getContainerPort()).isEqualTo(9464);
        });

        PodSpec agentPod = agent.getSpec().getTemplate().getSpec();
        assertThat(agentPod.getHostNetwork()).as("hostNetwork is set explicitly").isFalse();
        assertThat(agentPod.getTolerations()).extracting(Toleration::getOperator).containsExactly("Exists");
        assertThat(agentPod.getTolerations().get(0).getKey()).isNull();
        assertThat(agentPod.getNodeSelector()).isEqualTo(Map.of("kubernetes.io/os", "linux"));
        assertThat(agentPod.getPriorityClassName()).isEqualTo("system-node-critical");
        assertThat(agent.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(agent.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(agent.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "9464");
        assertThat(volume(agentPod, "cache").getEmptyDir()).isNotNull();

        // Service accounts the pods run as are rendered by the chart.
        Set<String> accounts = names(objects, ServiceAccount.class);
        assertThat(accounts).containsExactlyInAnyOrder("syrup-operator", "syrup-agent");
        assertThat(operator.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("syrup-operator");
        assertThat(agentPod.getServiceAccountName()).isEqualTo("syrup-agent");

        // Metrics: a Service for the operator, a headless one selecting every agent.
        Service agentMetrics = byName(objects, Service.class, "syrup-agent-metrics");
        assertThat(agentMetrics.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(agentMetrics.getSpec().getSelector()).isEqualTo(selector("syrup", "agent"));
        assertThat(agentMetrics.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(9464));
        Service operatorMetrics = byName(objects, Service.class, "syrup-operator-metrics");
        assertThat(operatorMetrics.getSpec().getSelector()).isEqualTo(selector("syrup", "operator"));
        assertThat(operatorMetrics.getMetadata().getAnnotations()).containsEntry("prometheus.io/path", "/q/metrics");
    }

    @Test
    void customValuesReachTheObjects() {
        List<HasMetadata> objects = Chart.renderWithValues("prod", "syrup-prod", ValueSets.CUSTOM);
        Deployment operator = one(objects, Deployment.class);
        DaemonSet agent = one(objects, DaemonSet.class);
        PodSpec opPod = operator.getSpec().getTemplate().getSpec();
        PodSpec agentPod = agent.getSpec().getTemplate().getSpec();
        Container op = container(opPod);
        Container ag = container(agentPod);

        assertThat(operator.getMetadata().getName()).isEqualTo("acme-syrup-operator");
        assertThat(agent.getMetadata().getName()).isEqualTo("acme-syrup-agent");
        assertThat(operator.getMetadata().getLabels()).containsEntry("team", "platform");
        assertThat(operator.getSpec().getReplicas()).isEqualTo(3);
        assertThat(op.getImage()).isEqualTo("registry.example.com/syrup/operator:1.2.3");
        assertThat(op.getImagePullPolicy()).isEqualTo("Always");
        assertThat(ag.getImage()).isEqualTo("registry.example.com/syrup/agent:1.2.3-rc1");
        assertThat(ag.getImagePullPolicy()).isEqualTo("Never");
        assertThat(opPod.getImagePullSecrets()).extracting(s -> s.getName()).containsExactly("regcred");
        assertThat(agentPod.getImagePullSecrets()).extracting(s -> s.getName()).containsExactly("regcred");

        assertThat(env(op)).containsEntry("QUARKUS_LOG_LEVEL", "DEBUG")
                .containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "shop,search")
                .containsEntry("QUARKUS_HTTP_PORT", "8181")
                .containsEntry("JAVA_OPTS_APPEND", "-XX:MaxRAMPercentage=60");
        assertThat(op.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8181));
        assertThat(op.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(op.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(op.getResources().getLimits().get("memory").toString()).isEqualTo("1Gi");
        // Maps merge with the defaults (Helm coalesces values): kubernetes.io/os stays.
        assertThat(opPod.getNodeSelector())
                .isEqualTo(Map.of("node-role.kubernetes.io/control-plane", "", "kubernetes.io/os", "linux"));
        assertThat(opPod.getTolerations()).extracting(Toleration::getKey).containsExactly("node-role.kubernetes.io/control-plane");
        assertThat(opPod.getAffinity().getPodAntiAffinity()).isNotNull();
        assertThat(opPod.getPriorityClassName()).isEqualTo("system-cluster-critical");
        assertThat(operator.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("tier", "control");
        assertThat(operator.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("example.com/note", "operator");

        assertThat(env(ag)).containsEntry("SYRUP_LOG_LEVEL", "WARN").containsEntry("SYRUP_DEBUG", "1");
        assertThat(ag.getArgs()).containsSequence("--metrics-port", "19464").endsWith("--verbose");
        assertThat(agentPod.getNodeSelector()).isEqualTo(Map.of("syrup.dev/enabled", "true", "kubernetes.io/os", "linux"));
        assertThat(agentPod.getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("dedicated");
            assertThat(t.getValue()).isEqualTo("latency");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(agentPod.getAffinity().getNodeAffinity()).isNotNull();
        assertThat(agentPod.getPriorityClassName()).isNull();
        assertThat(agentPod.getTerminationGracePeriodSeconds()).isEqualTo(60L);
        assertThat(agent.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getStrVal()).isEqualTo("10%");
        assertThat(volume(agentPod, "cache").getHostPath().getPath()).isEqualTo("/var/cache/syrup");

        assertThat(names(objects, ServiceAccount.class)).containsExactlyInAnyOrder("acme-operator", "acme-agent");
        assertThat(byName(objects, ServiceAccount.class, "acme-operator").getMetadata().getAnnotations())
                .containsEntry("owner", "platform");
        assertThat(opPod.getServiceAccountName()).isEqualTo("acme-operator");
        assertThat(agentPod.getServiceAccountName()).isEqualTo("acme-agent");
        assertThat(byName(objects, Service.class, "acme-syrup-agent-metrics").getSpec().getPorts())
                .singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(19464));
    }

    @Test
    void minimalValuesDropMetricsAndServiceAccountsAndKeepTheGivenCommandLine() {
        List<HasMetadata> objects = Chart.renderWithValues("edge", "syrup-edge", ValueSets.MINIMAL);
        Deployment operator = one(objects, Deployment.class);
        DaemonSet agent = one(objects, DaemonSet.class);
        Container ag = container(agent.getSpec().getTemplate().getSpec());

        assertThat(operator.getMetadata().getName()).isEqualTo("edge-syrup-operator");
        assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("Service", "ServiceAccount");
        assertThat(ag.getArgs()).containsExactly("agent", "--node-name", "$(NODE_NAME)");
        assertThat(ag.getPorts()).isEmpty();
        assertThat(ag.getReadinessProbe()).isNull();
        assertThat(agent.getSpec().getTemplate().getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(agent.getSpec().getTemplate().getSpec().getTolerations()).isEmpty();
        assertThat(operator.getSpec().getTemplate().getMetadata().getAnnotations()).isNullOrEmpty();
        // Service accounts made outside the chart keep the names the RBAC templates bind.
        assertThat(operator.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("syrup-operator");
        assertThat(agent.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("syrup-agent");
    }

    @Test
    void setFlagsWorkLikeAValuesFile() {
        List<HasMetadata> objects = Chart.render("syrup", "syrup-system",
                Map.of("operator.replicas", 2, "agent.image.tag", "9.9.9", "operator.image.tag", "dev"));
        assertThat(one(objects, Deployment.class).getSpec().getReplicas()).isEqualTo(2);
        assertThat(container(one(objects, DaemonSet.class).getSpec().getTemplate().getSpec()).getImage())
                .isEqualTo("syrup/syrup-agent:9.9.9");
        assertThat(container(one(objects, Deployment.class).getSpec().getTemplate().getSpec()).getImage())
                .isEqualTo("syrup/syrup-operator:dev");
    }

    static void assertAgentIsPrivilegedWithTheNodesPaths(DaemonSet agent) {
        PodSpec pod = agent.getSpec().getTemplate().getSpec();
        Container c = container(pod);
        assertThat(pod.getHostPID()).isTrue();
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(c.getSecurityContext().getPrivileged()).isTrue();

        EnvVar node = c.getEnv().stream().filter(e -> e.getName().equals("NODE_NAME")).findFirst().orElseThrow();
        assertThat(node.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        assertThat(c.getArgs()).containsSequence("--node-name", "$(NODE_NAME)");

        assertThat(volume(pod, "bpffs").getHostPath().getPath()).isEqualTo("/sys/fs/bpf");
        assertThat(volume(pod, "cgroup").getHostPath().getPath()).isEqualTo("/sys/fs/cgroup");
        assertThat(volume(pod, "btf").getHostPath().getPath()).isEqualTo("/sys/kernel/btf");
        assertThat(volume(pod, "run").getHostPath().getPath()).isEqualTo("/run/syrup");
        assertThat(volume(pod, "run").getHostPath().getType()).isEqualTo("DirectoryOrCreate");
        assertThat(volume(pod, "state").getHostPath().getPath()).as("records out of the directory pods mount")
                .isEqualTo("/run/syrup-agent");

        VolumeMount bpffs = mount(c, "bpffs");
        assertThat(bpffs.getMountPath()).isEqualTo("/sys/fs/bpf");
        assertThat(bpffs.getMountPropagation()).isEqualTo("Bidirectional");
        assertThat(mount(c, "cgroup").getMountPath()).isEqualTo("/sys/fs/cgroup");
        assertThat(mount(c, "cgroup").getReadOnly()).isTrue();
        assertThat(mount(c, "btf").getMountPath()).isEqualTo("/sys/kernel/btf");
        assertThat(mount(c, "btf").getReadOnly()).isTrue();
        assertThat(mount(c, "run").getMountPath()).isEqualTo("/run/syrup");
        assertThat(mount(c, "run").getReadOnly()).isNotEqualTo(Boolean.TRUE);
    }

    static void assertOperatorIsUnprivileged(Deployment operator) {
        PodSpec pod = operator.getSpec().getTemplate().getSpec();
        Container c = container(pod);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("POD_NAMESPACE")).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace"));
    }

    static Map<String, String> selector(String release, String component) {
        return Map.of("app.kubernetes.io/name", "syrup", "app.kubernetes.io/instance", release,
                "app.kubernetes.io/component", component);
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    static <T extends HasMetadata> T byName(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast).filter(o -> o.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    static Set<String> names(List<HasMetadata> objects, Class<? extends HasMetadata> type) {
        return objects.stream().filter(type::isInstance).map(o -> o.getMetadata().getName()).collect(Collectors.toSet());
    }

    static Container container(PodSpec pod) {
        assertThat(pod.getContainers()).hasSize(1);
        return pod.getContainers().get(0);
    }

    static Map<String, String> env(Container c) {
        return c.getEnv().stream().filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    static VolumeMount mount(Container c, String name) {
        return c.getVolumeMounts().stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mount " + name));
    }
}
