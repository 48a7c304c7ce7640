package dev.syrup.deploy;

import dev.syrup.bpf.Bpffs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syrup.policy.VerificationException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Policies run offline with BPF_PROG_TEST_RUN on crafted packets, without attaching anything. */
class PolicyTesterTest {
    private TestAgent agent;
    private PolicyTester tester;

    @BeforeEach
    void setUp() {
        agent = new TestAgent();
        tester = new PolicyTester(agent.compiler, agent.layout);
    }

    @AfterEach
    void tearDown() { agent.close(); }

    private List<Long> decisions(String policy, int executors, byte[]... payloads) {
        var source = policy.contains("/") ? TestAgent.testPolicy(policy.substring(policy.indexOf('/') + 1))
                : TestAgent.example(policy);
        return tester.run(source, executors, 40000, 9000, List.of(payloads)).stream()
                .map(PolicyTester.Result::decision).toList();
    }

    @Test
    void routeByFirstByteDecidesFromThePayload() {
        assertThat(decisions("route_by_first_byte.c", 4, new byte[] {2, 'x'}, new byte[] {0}, new byte[] {3}, new byte[] {9}, new byte[0]))
                .containsExactly(2L, 0L, 3L, PolicyTester.PASS, PolicyTester.PASS);
    }

    @Test
    void roundRobinKeepsItsStateAcrossPackets() {
        byte[] p = "GET k".getBytes();
        assertThat(decisions("round_robin.c", 3, p, p, p, p, p)).containsExactly(0L, 1L, 2L, 0L, 1L);
    }

    @Test
    void specialOutcomes() {
        assertThat(decisions("test/drop_all.c", 4, new byte[] {1})).containsExactly(PolicyTester.DROP);
        assertThat(decisions("test/out_of_range.c", 4, new byte[] {1})).containsExactly(PolicyTester.FALLBACK);
    }

    @Test
    void nothingIsLeftPinnedAndRejectionsAreReported() {
        decisions("count_packets.c", 2, new byte[] {1});
        assertThat(Bpffs.list(agent.layout.root().resolve("test-runs"))).isEmpty();
        assertThatThrownBy(() -> decisions("test/unchecked_read.c", 4, new byte[] {1}))
                .isInstanceOf(VerificationException.class).hasMessageContaining("unchecked_read.c:7:");
    }
}
