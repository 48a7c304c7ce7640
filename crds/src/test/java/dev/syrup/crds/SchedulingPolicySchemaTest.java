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
                Arguments.of("xdp-socket with interface and executors, next to an xdp-cpu hook on another port",
                        "spec:\n  " + SRC + "  hooks:\n  - {type: xdp-socket, port: 4791, interface: net1, executors: 4}\n"
                                + "  - {type: xdp-cpu, port: 4792, interface: net1}\n"),
                Arguments.of("UDP and TCP on the same port", "spec:\n  " + SRC
                        + "  hooks:\n  - {type: socket-select, port: 53}\n  - {type: socket-select, port: 53, protocol: TCP}\n"),
                Arguments.of("every selector operator, bounds of cpus, executors, interface and map entries", "spec:\n  " + SRC
                        + "  hooks:\n  - {type: socket-select, port: 80, executors: 64}\n"
                        + "  - {type: xdp-cpu, port: 80, interface: veth.1-a_b:c12, cpus: [0, 8191]}\n"
                        + "  podSelector:\n    matchExpressions: [{key: a, operator: In, values: [x]}, {key: b, operator: NotIn, values: [y]},"
                        + " {key: c, operator: Exists}, {key: d, operator: DoesNotExist}]\n"
                        + "  maps:\n  - map: m\n    entries: [{key: '18446744073709551615', value: '0x" + "ab".repeat(1024) + "'}]\n"
                        + "  - map: n\n    entries: [{key: '0x" + "cd".repeat(64) + "', value: '1'}]\n"));
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
                        "port is required for socket-select, xdp-cpu and xdp-socket hooks"),
                Arguments.of("xdp-socket hook without port", "spec:\n  " + SRC + "  hooks:\n  - {type: xdp-socket, interface: eth0}\n",
                        "port is required for socket-select, xdp-cpu and xdp-socket hooks"),
                Arguments.of("xdp-socket hook with cpus", "spec:\n  " + SRC + "  hooks:\n  - {type: xdp-socket, port: 80, cpus: [0]}\n",
                        "an xdp-socket hook takes no cpus: its executors are the pod's AF_XDP sockets"),
                Arguments.of("xdp-cpu and xdp-socket on one port of eth0", "spec:\n  " + SRC
                        + "  hooks:\n  - {type: xdp-cpu, port: 80}\n  - {type: xdp-socket, port: 80, interface: eth0}\n",
                        "xdp-cpu and xdp-socket hooks must not share a port and protocol on one interface"),
                Arguments.of("interface on a socket-select hook", "spec:\n  " + SRC
                        + "  hooks:\n  - {type: socket-select, port: 80, interface: eth0}\n",
                        "interface is only for xdp-cpu and xdp-socket hooks"),
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
                        "selects pods of its own namespace only"),
                Arguments.of("selector operator not a Kubernetes one", selector("[{key: tier, operator: Equals, values: [web]}]"),
                        "matchExpressions[].operator must be In, NotIn, Exists or DoesNotExist"),
                Arguments.of("In without values", selector("[{key: tier, operator: In}]"),
                        "matchExpressions[].values must be non-empty for In and NotIn"),
                Arguments.of("NotIn with an empty list", selector("[{key: tier, operator: NotIn, values: []}]"),
                        "matchExpressions[].values must be non-empty for In and NotIn"),
                Arguments.of("Exists with values", selector("[{key: tier, operator: Exists, values: [web]}]"),
                        "matchExpressions[].values must be empty for Exists and DoesNotExist"),
                Arguments.of("label value longer than 63", "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 80}\n"
                        + "  podSelector:\n    matchLabels: {app: " + "v".repeat(64) + "}\n", "a label value at most 63"),
                Arguments.of("NotIn with 65 values", selector("[{key: tier, operator: NotIn, values: [" + "x, ".repeat(64) + "x]}]"),
                        "at most 64 values"),
                Arguments.of("negative CPU", "spec:\n  " + SRC + "  hooks:\n  - {type: thread, cpus: [0, -1]}\n",
                        "cpus are CPU numbers from 0 to 8191"),
                Arguments.of("CPU number too large", "spec:\n  " + SRC + "  hooks:\n  - {type: xdp-cpu, port: 80, cpus: [8192]}\n",
                        "cpus are CPU numbers from 0 to 8191"),
                Arguments.of("too many cpus", "spec:\n  " + SRC + "  hooks:\n  - {type: thread, cpus: ["
                        + "0, ".repeat(64) + "0]}\n", "must have at most 64 items"),
                Arguments.of("zero executors", "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 80, executors: 0}\n",
                        "should be greater than or equal to 1"),
                Arguments.of("more executors than the SDK has", "spec:\n  " + SRC
                        + "  hooks:\n  - {type: socket-select, port: 80, executors: 65}\n", "should be less than or equal to 64"),
                Arguments.of("interface name with a slash", "spec:\n  " + SRC
                        + "  hooks:\n  - {type: xdp-cpu, port: 80, interface: ../eth0}\n", "spec.hooks[0].interface"),
                Arguments.of("interface name longer than 15", "spec:\n  " + SRC
                        + "  hooks:\n  - {type: xdp-cpu, port: 80, interface: eth0123456789abc}\n", "spec.hooks[0].interface"),
                Arguments.of("interface named ..", "spec:\n  " + SRC + "  hooks:\n  - {type: xdp-cpu, port: 80, interface: '..'}\n",
                        "interface must be a network interface name, not . or .."),
                Arguments.of("source over 256 KiB", "spec:\n  source: '" + "x".repeat(262145) + "'\n"
                        + "  hooks:\n  - {type: socket-select, port: 80}\n", "spec.source: Too long"),
                Arguments.of("map name with a dash", "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 80}\n"
                        + "  maps:\n  - map: my-map\n    entries: [{key: '0', value: '1'}]\n", "spec.maps[0].map"),
                Arguments.of("map value over 1024 bytes", "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 80}\n"
                        + "  maps:\n  - map: m\n    entries: [{key: '0', value: '0x" + "ab".repeat(1025) + "'}]\n",
                        "spec.maps[0].entries[0].value: Too long"),
                Arguments.of("map key over 64 bytes", "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 80}\n"
                        + "  maps:\n  - map: m\n    entries: [{key: '0x" + "ab".repeat(65) + "', value: '1'}]\n",
                        "spec.maps[0].entries[0].key: Too long"),
                Arguments.of("decimal map key beyond 64 bits", "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 80}\n"
                        + "  maps:\n  - map: m\n    entries: [{key: '" + "9".repeat(21) + "', value: '1'}]\n",
                        "spec.maps[0].entries[0].key"),
                Arguments.of("same map twice", "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 80}\n"
                        + "  maps:\n  - map: m\n    entries: [{key: '0', value: '1'}]\n  - map: m\n    entries: [{key: '1', value: '1'}]\n",
                        "maps must not name the same map twice"),
                Arguments.of("ConfigMap name not a DNS name", "spec:\n  sourceFrom: {configMapKeyRef: {name: My_Policy, key: p.c}}\n"
                        + "  hooks:\n  - {type: socket-select, port: 80}\n", "spec.sourceFrom.configMapKeyRef.name"));
    }

    private static String selector(String expressions) {
        return "spec:\n  " + SRC + "  hooks:\n  - {type: socket-select, port: 80}\n  podSelector:\n    matchExpressions: "
                + expressions + "\n";
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
