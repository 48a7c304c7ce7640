package dev.syrup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.XdpCpuTarget;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import dev.syrup.testing.Veth;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An interface's root dispatcher with more deployments than fast slots: every port's packets reach
 * its own policy and no other, through a fast slot or the map-indexed path, also after a slot is
 * freed and taken by another port; a program a slot wrongly leads to passes the packet on unseen.
 */
class XdpDispatcherTest {
    private static final int FIRST_PORT = 9340;
    private static final int PORTS = 5; // one more than the dispatcher's fast slots

    @Test
    void everyPortReachesItsOwnPolicyOnlyThroughFastSlotsAndBeyond() {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            List<UdpWorkers> workers = new ArrayList<>();
            try {
                Map<Integer, Deployment> byPort = new LinkedHashMap<>();
                for (int i = 0; i <= PORTS; i++) {
                    workers.add(UdpWorkers.start(b, veth.addrB(), FIRST_PORT + i, 1));
                }
                for (int i = 0; i < PORTS; i++) {
                    byPort.put(FIRST_PORT + i, deploy(agent, b, veth, FIRST_PORT + i));
                }
                sendAndCheck(agent, a, b, veth, workers, byPort);

                // The second port's slot is freed, then taken by a port deployed afterwards.
                agent.deployer.remove(byPort.remove(FIRST_PORT + 1).id());
                byPort.put(FIRST_PORT + PORTS, deploy(agent, b, veth, FIRST_PORT + PORTS));
                assertThat(fastPorts(agent, b, veth)).contains(FIRST_PORT + PORTS).doesNotContain(FIRST_PORT + 1);
                sendAndCheck(agent, a, b, veth, workers, byPort);
            } finally {
                workers.forEach(UdpWorkers::close);
            }
        }
    }

    @Test
    void aPacketLedToAnotherPortsProgramPassesUnseen() {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            try (UdpWorkers first = UdpWorkers.start(b, veth.addrB(), FIRST_PORT, 1);
                 UdpWorkers second = UdpWorkers.start(b, veth.addrB(), FIRST_PORT + 1, 1)) {
                Deployment d1 = deploy(agent, b, veth, FIRST_PORT);
                Deployment d2 = deploy(agent, b, veth, FIRST_PORT + 1);
                // Slot 0 (first's program) now also claims second's port, as a slot read mid-change could.
                try (BpfMap fastPorts = new BpfMap(Bpf.open(dispatcherDir(agent, b, veth).resolve("fast_ports")))) {
                    fastPorts.update(BpfMap.u32(0), ports(FIRST_PORT + 1, FIRST_PORT + 1, 0, 0));
                }
                UdpSender.to(veth.addrB(), FIRST_PORT + 1).in(a).count(50).run();
                assertThat(second.awaitTotal(50, Duration.ofSeconds(10))).containsExactly(50);
                assertThat(agent.deployer.stats(d1.id(), target(b, veth, FIRST_PORT)).total())
                        .as("decisions of the first port's policy").isZero();
                assertThat(agent.deployer.stats(d2.id(), target(b, veth, FIRST_PORT + 1)).total())
                        .as("decisions of the second port's policy (its slot was cut off)").isZero();
            }
        }
    }

    private static Deployment deploy(TestAgent agent, NetNs b, Veth veth, int port) {
        return agent.deployer.deploy(TestAgent.example("count_packets.c"), List.of(target(b, veth, port)));
    }

    private static XdpCpuTarget target(NetNs b, Veth veth, int port) {
        return new XdpCpuTarget(NetnsRef.of(b.path()), veth.ifB(), Protocol.UDP, port, List.of(0));
    }

    /** Port i gets 10 * (i + 1) datagrams; each deployment must have decided exactly its own port's. */
    private static void sendAndCheck(TestAgent agent, NetNs a, NetNs b, Veth veth, List<UdpWorkers> workers,
                                     Map<Integer, Deployment> byPort) {
        workers.forEach(UdpWorkers::reset);
        Map<Integer, Long> before = new LinkedHashMap<>();
        byPort.forEach((port, d) -> before.put(port, agent.deployer.stats(d.id(), target(b, veth, port)).total()));
        byPort.keySet().forEach(port -> UdpSender.to(veth.addrB(), port).in(a).count(count(port)).run());
        byPort.forEach((port, d) -> {
            assertThat(workers.get(port - FIRST_PORT).awaitTotal(count(port), Duration.ofSeconds(10)))
                    .containsExactly((long) count(port));
            assertThat(agent.deployer.stats(d.id(), target(b, veth, port)).perExecutor()[0] - before.get(port))
                    .as("datagrams port " + port + "'s policy decided").isEqualTo(count(port));
        });
    }

    private static int count(int port) { return 10 * (port - FIRST_PORT + 1); }

    private static Path dispatcherDir(TestAgent agent, NetNs b, Veth veth) {
        return agent.layout.xdpDispatcher(NetnsRef.of(b.path()), veth.ifB());
    }

    private static List<Integer> fastPorts(TestAgent agent, NetNs b, Veth veth) {
        try (BpfMap map = new BpfMap(Bpf.open(dispatcherDir(agent, b, veth).resolve("fast_ports")))) {
            ByteBuffer v = ByteBuffer.wrap(map.lookup(BpfMap.u32(0)).orElseThrow()).order(ByteOrder.nativeOrder());
            List<Integer> out = new ArrayList<>();
            while (v.hasRemaining()) {
                out.add(v.getInt());
            }
            return out;
        }
    }

    private static byte[] ports(int... ports) {
        ByteBuffer b = ByteBuffer.allocate(4 * ports.length).order(ByteOrder.nativeOrder());
        for (int p : ports) {
            b.putInt(p);
        }
        return b.array();
    }
}
