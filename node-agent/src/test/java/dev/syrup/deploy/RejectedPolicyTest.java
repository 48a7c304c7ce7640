package dev.syrup.deploy;

import dev.syrup.bpf.Bpffs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.SocketSelectTarget;
import dev.syrup.policy.CompileException;
import dev.syrup.policy.VerificationException;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad policies get an error naming their source line, attach nothing, and leave the policy that
 * was running untouched.
 */
class RejectedPolicyTest {
    private static final int PORT = 9100;

    private TestAgent agent;
    private NetNs ns;
    private UdpWorkers workers;
    private Deployment running;

    @BeforeEach
    void setUp() {
        agent = new TestAgent();
        ns = NetNs.create();
        workers = UdpWorkers.start(ns, "127.0.0.1", PORT, 4);
        running = agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(target(PORT)));
    }

    @AfterEach
    void tearDown() {
        workers.close();
        agent.close();
        ns.close();
    }

    private SocketSelectTarget target(int port) { return new SocketSelectTarget(NetnsRef.of(ns.path()), Protocol.UDP, port); }

    @Test
    void verifierRejectionNamesTheLineAndAttachesNothing() {
        try (UdpWorkers other = UdpWorkers.start(ns, "127.0.0.1", PORT + 1, 2)) {
            assertThatThrownBy(() -> agent.deployer.deploy(TestAgent.testPolicy("unchecked_read.c"), List.of(target(PORT + 1))))
                    .isInstanceOf(VerificationException.class)
                    .hasMessageContaining("unchecked_read.c:7:")
                    .hasMessageContaining("invalid access to packet")
                    .hasMessageContaining("uint8_t first = *(uint8_t *)pkt_start;");
            // Nothing attached: the second application keeps Linux's default (one flow -> one socket).
            UdpSender.to("127.0.0.1", PORT + 1).in(ns).count(50).run();
            assertThat(other.awaitTotal(50, Duration.ofSeconds(10))).containsAnyOf(50L);
        }
        assertThat(agent.deployer.list()).extracting(Deployment::id).containsExactly(running.id());
        assertThat(Bpffs.list(agent.layout.deployments())).containsExactly(agent.layout.deployment(running.id()));
        assertRunningPolicyStillSteers();
    }

    @Test
    void compileErrorNamesTheLine() {
        assertThatThrownBy(() -> agent.deployer.deploy(TestAgent.testPolicy("syntax_error.c"), List.of(target(PORT + 1))))
                .isInstanceOf(CompileException.class)
                .hasMessageContaining("syntax_error.c:7:")
                .hasMessageContaining("error: expected ';'");
        assertThat(Bpffs.list(agent.layout.deployments())).containsExactly(agent.layout.deployment(running.id()));
        assertRunningPolicyStillSteers();
    }

    @Test
    void rejectedReplacementKeepsTheRunningPolicy() {
        assertThatThrownBy(() -> agent.deployer.replace(running.id(), TestAgent.testPolicy("unchecked_read.c")))
                .isInstanceOf(VerificationException.class).hasMessageContaining("unchecked_read.c:7:");
        assertThatThrownBy(() -> agent.deployer.replace(running.id(), TestAgent.testPolicy("syntax_error.c")))
                .isInstanceOf(CompileException.class);
        assertThat(agent.deployer.get(running.id()).orElseThrow().policyName()).endsWith("round_robin.c");
        assertRunningPolicyStillSteers();
    }

    @Test
    void secondClaimOnAPortIsRefused() {
        assertThatThrownBy(() -> agent.deployer.deploy(TestAgent.example("random.c"), List.of(target(PORT))))
                .isInstanceOf(PortConflictException.class)
                .hasMessageContaining("already claimed by deployment " + running.id());
        assertRunningPolicyStillSteers();
    }

    private void assertRunningPolicyStillSteers() {
        workers.reset();
        UdpSender.to("127.0.0.1", PORT).in(ns).count(80).run();
        assertThat(workers.awaitTotal(80, Duration.ofSeconds(10))).containsExactly(20, 20, 20, 20);
    }
}
