package dev.syrup.deploy;

import dev.syrup.bpf.Bpffs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syrup.policy.Hook;
import dev.syrup.policy.CompileException;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.VerificationException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Checking a policy compiles and verifies it for real, attaches nothing and leaves nothing pinned. */
class PolicyCheckerTest {
    private static final List<Hook> BOTH = List.of(Hook.SOCKET_SELECT, Hook.XDP_CPU);

    private TestAgent agent;
    private PolicyChecker checker;

    @BeforeEach
    void setUp() {
        agent = new TestAgent();
        checker = new PolicyChecker(agent.compiler, agent.layout);
    }

    @AfterEach
    void tearDown() { agent.close(); }

    @Test
    void aGoodPolicyPassesAtBothHooks() {
        // count_packets.c declares a map: both hooks load against the same pinned copy.
        assertThatCode(() -> checker.check(TestAgent.example("count_packets.c"), BOTH)).doesNotThrowAnyException();
        assertThatCode(() -> checker.check(TestAgent.example("round_robin.c"), List.of(Hook.XDP_CPU), 64))
                .doesNotThrowAnyException();
        assertNoResidue();
    }

    @Test
    void anUncheckedReadIsRejectedAtItsLine() {
        assertThatThrownBy(() -> checker.check(TestAgent.testPolicy("unchecked_read.c"), BOTH))
                .isInstanceOfSatisfying(VerificationException.class, e -> {
                    assertThat(e.line()).isEqualTo(7);
                    assertThat(e.programName()).isEqualTo(Hook.SOCKET_SELECT.programName());
                })
                .hasMessageContaining("unchecked_read.c:7:");
        assertThatThrownBy(() -> checker.check(TestAgent.testPolicy("unchecked_read.c"), List.of(Hook.XDP_CPU)))
                .isInstanceOfSatisfying(VerificationException.class,
                        e -> assertThat(e.programName()).isEqualTo(Hook.XDP_CPU.programName()));
        assertNoResidue();
    }

    @Test
    void aSyntaxErrorIsACompileError() {
        assertThatThrownBy(() -> checker.check(TestAgent.testPolicy("syntax_error.c"), BOTH))
                .isInstanceOf(CompileException.class).hasMessageContaining("syntax_error.c:7:");
        assertThatThrownBy(() -> checker.check(PolicySource.of("empty.c", "#include \"syrup.h\"\n"), BOTH))
                .isInstanceOf(CompileException.class).hasMessageContaining("does not define schedule()");
        assertNoResidue();
    }

    private void assertNoResidue() {
        assertThat(Bpffs.list(checker.scratchRoot())).isEmpty();
        assertThat(Bpffs.list(agent.layout.root())).allMatch(p -> p.equals(checker.scratchRoot()));
    }
}
