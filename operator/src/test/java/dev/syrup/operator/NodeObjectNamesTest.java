package dev.syrup.operator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeObjectNamesTest {
    private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

    @Test
    void namesAreShortDnsSafeAndUnique() {
        String longNode = "ip-10-0-12-34.eu-west-1.compute.internal.example.corp.node.pool.number.seven";
        String name = NodeObjectNames.objectName("round-robin", longNode);
        assertThat(name).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL).startsWith("round-robin-ip-10-0-12-34");
        assertThat(NodeObjectNames.objectName("a-b", "c")).isNotEqualTo(NodeObjectNames.objectName("a", "b-c"));
        assertThat(NodeObjectNames.objectName("rr", "node-1")).isEqualTo(NodeObjectNames.objectName("rr", "node-1"));
    }

    @Test
    void labelValuesFitIn63Characters() {
        assertThat(NodeObjectNames.labelValue("node-1")).isEqualTo("node-1");
        String v = NodeObjectNames.labelValue("x".repeat(100));
        assertThat(v).hasSize(63).isNotEqualTo(NodeObjectNames.labelValue("x".repeat(101)));
    }
}
