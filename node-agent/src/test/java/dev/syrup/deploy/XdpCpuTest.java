package dev.syrup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.XdpCpuAttacher;
import dev.syrup.hook.XdpCpuTarget;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import dev.syrup.testing.Veth;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * xdp-cpu on the real kernel: packets cross a veth pair between two namespaces; the policy picks
 * the CPU, and a program on each CPUMAP entry counts where each packet was really processed.
 */
class XdpCpuTest {
    private static final int PORT = 9300;

    @Test
    void packetsAreProcessedOnTheCpuThePolicyChose() {
        runOnCpus(List.of(0, 1), new long[] {200, 200});
    }

    @Test
    void executorIndexMapsThroughTheDeploymentsCpuList() {
        // Executor 0 is CPU 1 here: every packet whose first byte is 0 must be processed on CPU 1.
        runOnCpus(List.of(1), new long[] {0, 400});
    }

    private void runOnCpus(List<Integer> cpus, long[] expectedPerCpu) {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            try (UdpWorkers workers = UdpWorkers.start(b, veth.addrB(), PORT, 1)) {
                XdpCpuTarget target = new XdpCpuTarget(NetnsRef.of(b.path()), veth.ifB(), Protocol.UDP, PORT, cpus);
                Deployment d = agent.deployer.deploy(TestAgent.example("route_by_first_byte.c"), List.of(target));

                int[] cycle = cpus.size() == 2 ? new int[] {0, 1} : new int[] {0};
                UdpSender.to(veth.addrB(), PORT).in(a).count(400).srcPorts(4).payloadCycle(cycle).run();
                assertThat(workers.awaitTotal(400, Duration.ofSeconds(10))).containsExactly(400);

                long[] perCpu = XdpCpuAttacher.packetsPerCpu(agent.layout.target(d.id(), target));
                assertThat(perCpu).startsWith(expectedPerCpu);
                long[] decisions = agent.deployer.stats(d.id(), target).perExecutor();
                assertThat(decisions).containsExactly(cpus.size() == 2 ? new long[] {200, 200} : new long[] {400});
            }
        }
    }
}
