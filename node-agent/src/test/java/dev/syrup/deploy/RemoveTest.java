package dev.syrup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.Fd;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.SocketSelectTarget;
import dev.syrup.hook.XdpCpuTarget;
import dev.syrup.testing.Exec;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import dev.syrup.testing.Veth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** After remove, no pin, link or program of the deployment is left in the kernel. */
class RemoveTest {
    private static final int PORT = 9200;

    @Test
    void removeLeavesNoPinsLinksOrPrograms() {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            try (UdpWorkers workers = UdpWorkers.start(b, veth.addrB(), PORT, 4)) {
                List<HookTarget> targets = List.of(
                        new SocketSelectTarget(NetnsRef.of(b.path()), Protocol.UDP, PORT),
                        new XdpCpuTarget(NetnsRef.of(b.path()), veth.ifB(), Protocol.UDP, PORT, List.of()));
                Deployment d = agent.deployer.deploy(TestAgent.example("count_packets.c"), targets);

                List<Integer> programs = new ArrayList<>();
                for (HookTarget t : targets) {
                    programs.add(programId(agent.layout.target(d.id(), t).resolve("prog")));
                }
                assertThat(programId(agent.layout.socketSelectGroup(NetnsRef.of(b.path()), Protocol.UDP, PORT)))
                        .as("the program attached to the socket group").isEqualTo(programs.get(0));
                programs.add(programId(agent.layout.xdpDispatcher(NetnsRef.of(b.path()), veth.ifB()).resolve("prog")));
                assertThat(xdpOn(b, veth.ifB())).as("XDP attached").isTrue();

                UdpSender.to(veth.addrB(), PORT).in(a).count(100).run();
                assertThat(workers.awaitTotal(100, Duration.ofSeconds(10))).containsExactly(25, 25, 25, 25);

                agent.deployer.remove(d.id());

                assertThat(Files.exists(agent.layout.deployment(d.id()))).isFalse();
                assertThat(Files.exists(agent.layout.socketSelectGroups(NetnsRef.of(b.path())))).isFalse();
                assertThat(Files.exists(agent.layout.xdpDispatcher(NetnsRef.of(b.path()), veth.ifB()))).isFalse();
                assertThat(xdpOn(b, veth.ifB())).as("XDP attached").isFalse();
                awaitGone(programs);

                // Traffic is back on Linux's default: one flow, one socket.
                workers.reset();
                UdpSender.to(veth.addrB(), PORT).in(a).count(100).run();
                assertThat(Arrays.stream(workers.awaitTotal(100, Duration.ofSeconds(10))).max().getAsLong()).isEqualTo(100);
            }
        }
    }

    private static int programId(Path pin) {
        try (Fd fd = Bpf.open(pin)) {
            return Bpf.programInfo(fd).id();
        }
    }

    private static boolean xdpOn(NetNs ns, String iface) {
        return ns.run("ip", "-d", "link", "show", iface).contains("xdp");
    }

    /** The kernel frees programs after an RCU grace period: wait for each id to disappear. */
    private static void awaitGone(List<Integer> programs) {
        Instant deadline = Instant.now().plusSeconds(10);
        List<Integer> alive = new ArrayList<>(programs);
        while (!alive.isEmpty() && Instant.now().isBefore(deadline)) {
            alive.removeIf(id -> !Exec.run(new ProcessBuilder("bpftool", "prog", "show", "id", id.toString()),
                    Duration.ofSeconds(5)).ok());
            if (!alive.isEmpty()) {
                sleep();
            }
        }
        assertThat(alive).as("programs of the removed deployment still loaded").isEmpty();
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
