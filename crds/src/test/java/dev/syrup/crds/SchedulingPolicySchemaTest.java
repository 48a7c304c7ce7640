package dev.syrup.crds;

import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
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

/** The generated CRDs and the admission policy, as the real API server enforces them. */
class SchedulingPolicySchemaTest {
    private static KubernetesClient client;
    private static String ns;

    @BeforeAll
    static void cluster() {
        KubeCluster cluster = KubeCluster.shared();
        client = cluster.admin();
        Crds.install(client);
        ns = cluster.newNamespace("schema");
    }

    private static final String SRC = "source: |\n    #include \"syrup.h\"\n    uint32_t schedule(void *s, void *e) { return SYRUP_PASS; }\n";

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("inline source, one socket-select hook",
                        "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 8080}\n"),
                Arguments.of("ConfigMap source, TCP, executors, xdp-cpu with cpus, thread",
                        "spec:\n  sourceFrom: {configMapKeyRef: {name: my-policy, key: policy.c}}\n  hooks:\n"
                                + "  - {type: socket-select, port: 8080, protocol: TCP, executors: 4}\n"
                                + "  - {type: xdp-cpu, port: 8080, interface: eth0, cpus: [0, 1]}\n"
                                + "  - {type: thread, cpus: [1]}\n"),
                Arguments.of("pod selector in the policy's namespace, map entries",
                        "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 9000}\n"
                                + "  podSelector:\n    namespace: NS\n    matchLabels: {app: kv}\n"
                                + "    matchExpressions: [{key: tier, operator: In, values: [web]}]\n"
                                + "  maps:\n  - map: weights\n    entries: [{key: '0', value: '0x0a000000'}]\n"),
                Arguments.of("UDP and TCP on the same port", "spec:\n  " + SRC
                        + "  hooks:\n  - {type: socket-select, port: 53}\n  - {type: socket-select, port: 53, protocol: TCP}\n"));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("both sources", "spec:\n  " + SRC
                        + "  sourceFrom: {configMapKeyRef: {name: p, key: k}}\n  hooks:\n  - {type: socket-select, port: 1}\n",
                        "exactly one of source and sourceFrom must be set"),
                Arguments.of("no source", "spec:\n  hooks:\n  - {type: socket-select, port: 1}\n",
                        "exactly one of source and sourceFrom must be set"),
                Arguments.of("unknown hook type", "spec:\n  " + SRC + "  hooks:\n  - {type: tc-egress, port: 1}\n",
                        "Unsupported value: \"tc-egress\""),
                Arguments.of("port out of range", "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 70000}\n",
                        "should be less than or equal to 65535"),
                Arguments.of("port zero", "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 0}\n",
                        "should be greater than or equal to 1"),
                Arguments.of("network hook without port", "spec:\n  " + SRC + "  hooks:\n  - {type: xdp-cpu}\n",
                        "port is required for socket-select and xdp-cpu hooks"),
                Arguments.of("thread hook with port", "spec:\n  " + SRC + "  hooks:\n  - {type: thread, port: 80}\n",
                        "a thread hook has no port"),
                Arguments.of("no hooks", "spec:\n  " + SRC + "  hooks: []\n", "should have at least 1 items"),
                Arguments.of("same hook twice", "spec:\n  " + SRC
                        + "  hooks:\n  - {type: socket-select, port: 80}\n  - {type: socket-select, port: 80, protocol: UDP}\n",
                        "hooks must not repeat the same type, port and protocol"),
                Arguments.of("bad protocol", "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 80, protocol: SCTP}\n",
                        "Unsupported value: \"SCTP\""),
                Arguments.of("bad map key", "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 80}\n"
                        + "  maps:\n  - map: m\n    entries: [{key: 'zz', value: '1'}]\n", "spec.maps[0].entries[0].key"),
                Arguments.of("pod selector in another namespace", "spec:\n  " + SRC
                        + "  hooks:\n  - {type: socket-select, port: 80}\n  podSelector:\n    namespace: kube-system\n",
                        "selects pods of its own namespace only"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void acceptsValidPolicies(String what, String spec) {
        String name = "valid-" + Math.abs(what.hashCode());
        client.resource(policy(name, spec)).create();
        GenericKubernetesResource stored = client.genericKubernetesResources(apiVersion(), "SchedulingPolicy")
                .inNamespace(ns).withName(name).get();
        assertThat(stored).isNotNull();
        assertThat(stored.getAdditionalProperties().get("spec").toString()).contains("hooks");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsInvalidPolicies(String what, String spec, String message) {
        String name = "invalid-" + Math.abs(what.hashCode());
        assertThatThrownBy(() -> client.resource(policy(name, spec)).create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isIn(422, 403))
                .hasMessageContaining(message);
        assertThat(client.genericKubernetesResources(apiVersion(), "SchedulingPolicy").inNamespace(ns).withName(name).get())
                .as("rejected policy not stored").isNull();
    }

    @Test
    void typedModelRoundTrips() {
        SchedulingPolicy p = client.resources(SchedulingPolicy.class).inNamespace(ns)
                .resource(client.getKubernetesSerialization().unmarshal(policy("typed", "spec:\n  " + SRC
                        + "  hooks:\n  - {type: xdp-cpu, port: 7000, interface: veth0, cpus: [1, 0]}\n"), SchedulingPolicy.class))
                .create();
        assertThat(p.getSpec().getHooks().get(0).getInterface()).isEqualTo("veth0");
        assertThat(p.getSpec().getHooks().get(0).getCpus()).containsExactly(1, 0);
        assertThat(p.getSpec().getSource()).contains("schedule");
    }

    @Test
    void statusIsASubresource() {
        client.resource(policy("status", "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 8080}\n")).create();
        var res = client.resources(SchedulingPolicy.class).inNamespace(ns).withName("status");
        SchedulingPolicy p = res.get();
        p.setStatus(new dev.syrup.crds.v1alpha1.SchedulingPolicyStatus());
        p.getStatus().setSelectedPods(3);
        p.getSpec().getHooks().get(0).setPort(9999);
        res.updateStatus(p);
        SchedulingPolicy back = res.get();
        assertThat(back.getStatus().getSelectedPods()).isEqualTo(3);
        assertThat(back.getSpec().getHooks().get(0).getPort()).as("a status update leaves the spec alone").isEqualTo(8080);
    }

    private static String apiVersion() { return SchedulingPolicy.GROUP + "/" + SchedulingPolicy.VERSION; }

    private static String policy(String name, String spec) {
        return "apiVersion: " + apiVersion() + "\nkind: SchedulingPolicy\nmetadata:\n  name: " + name
                + "\n  namespace: " + ns + "\n" + spec.replace("NS", ns);
    }
}
