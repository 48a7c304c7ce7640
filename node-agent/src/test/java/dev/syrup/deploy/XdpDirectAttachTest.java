package dev.syrup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Netns;
import dev.syrup.hook.DecisionStats;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.XdpCpuTarget;
import dev.syrup.node.DeploymentRecord.Owner;
import dev.syrup.node.NodeDeployments;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import dev.syrup.testing.Veth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * While an interface has one XDP deployment, its program runs alone on the interface's XDP link; a
 * second deployment switches the link to the root dispatcher, and removals switch it back and
 * finally away. Every switch happens under traffic: each packet of a running deployment's port is
 * decided by its policy and delivered, before, during and after the switch. A link whose
 * interface went away is made anew on the interface that has its name now.
 */
class XdpDirectAttachTest {
    private static final int PORT_A = 9470;
    private static final int PORT_B = 9471;
    private static final int PACKETS = 1500;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern XDP_PROG = Pattern.compile("prog/xdp id (\\d+)");

    @Test
    void oneDeploymentRunsAloneASecondBringsTheDispatcherAndRemovalsTakeItAway() throws Exception {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            try (UdpWorkers workersA = UdpWorkers.start(b, veth.addrB(), PORT_A, 1);
                 UdpWorkers workersB = UdpWorkers.start(b, veth.addrB(), PORT_B, 1)) {
                XdpCpuTarget targetA = target(b, veth, PORT_A);
                XdpCpuTarget targetB = target(b, veth, PORT_B);
                Deployment da = agent.deployer.deploy(TestAgent.example("count_packets.c"), List.of(targetA));
                assertThat(xdpProgram(b, veth)).as("the interface runs the only deployment's program")
                        .hasValue(programId(agent.layout.target(da.id(), targetA)));
                assertThat(steered(agent, a, veth, da, targetA, workersA, PORT_A, 100)).isEqualTo(100);
                DecisionStats alone = agent.deployer.stats(da.id(), targetA);
                assertThat(alone.pass() + alone.drop() + alone.fallback())
                        .as("other packets the interface received (ARP first of all) are not the policy's").isZero();

                // A second deployment arrives while A's packets flow: the dispatcher takes over.
                Deployment db = underTraffic(agent, a, veth, da, targetA, workersA, PORT_A,
                        () -> agent.deployer.deploy(TestAgent.example("count_packets.c"), List.of(targetB)));
                assertThat(xdpProgram(b, veth)).as("with two deployments, the dispatcher")
                        .hasValue(programId(agent.layout.xdpDispatcher(NetnsRef.of(b.path()), veth.ifB())));
                assertThat(steered(agent, a, veth, da, targetA, workersA, PORT_A, 100)).isEqualTo(100);
                assertThat(steered(agent, a, veth, db, targetB, workersB, PORT_B, 200)).isEqualTo(200);

                // A leaves while B's packets flow: B's program runs alone.
                underTraffic(agent, a, veth, db, targetB, workersB, PORT_B, () -> agent.deployer.remove(da.id()));
                assertThat(xdpProgram(b, veth)).as("the remaining deployment's program, alone")
                        .hasValue(programId(agent.layout.target(db.id(), targetB)));
                assertThat(steered(agent, a, veth, db, targetB, workersB, PORT_B, 100)).isEqualTo(100);
                // A's port is the kernel's again: its packets reach the application, decided by no one.
                workersA.reset();
                UdpSender.to(veth.addrB(), PORT_A).in(a).count(50).run();
                assertThat(workersA.awaitTotal(50, WAIT)).containsExactly(50);

                agent.deployer.remove(db.id());
                assertThat(xdpProgram(b, veth)).as("no XDP program left").isEmpty();
                assertThat(Files.exists(agent.layout.xdpDispatcher(NetnsRef.of(b.path()), veth.ifB()))).isFalse();
            }
        }
    }

    @Test
    void aRestartedAgentAdoptsTheDirectLinkAndRepairMovesALinkLeftOnTheDispatcher() throws Exception {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            Path state = Files.createTempDirectory("syrup-xdp-direct-state");
            try (UdpWorkers workersA = UdpWorkers.start(b, veth.addrB(), PORT_A, 1);
                 UdpWorkers workersB = UdpWorkers.start(b, veth.addrB(), PORT_B, 1)) {
                XdpCpuTarget targetA = target(b, veth, PORT_A);
                XdpCpuTarget targetB = target(b, veth, PORT_B);
                Owner owner = Owner.ofCaller(0, "/");
                NodeDeployments first = NodeDeployments.open(agent.deployer, state);
                String a1 = first.deploy(TestAgent.example("count_packets.c"), List.of(targetA), owner, null, id -> {}).id();
                int progA = programId(agent.layout.target(a1, targetA));
                Path dispatcher = agent.layout.xdpDispatcher(NetnsRef.of(b.path()), veth.ifB());

                // A restart changes nothing that runs.
                NodeDeployments second = open(agent, state);
                assertThat(second.repaired()).isEmpty();
                assertThat(xdpProgram(b, veth)).hasValue(progA);

                // An earlier version left the link on the dispatcher for a single deployment: repair moves it.
                try (Fd link = Bpf.open(dispatcher.resolve("link")); Fd prog = Bpf.open(dispatcher.resolve("prog"))) {
                    Bpf.updateLink(link, prog);
                }
                NodeDeployments third = open(agent, state);
                assertThat(third.repaired()).singleElement().asString().contains("its only route's program");
                assertThat(xdpProgram(b, veth)).hasValue(progA);
                Deployment adoptedA = third.get(a1).orElseThrow().deployment();
                assertThat(steered(agent, a, veth, adoptedA, targetA, workersA, PORT_A, 100)).isEqualTo(100);

                // The adopted deployment shares the interface with a new one, then leaves it to it.
                String b1 = third.deploy(TestAgent.example("count_packets.c"), List.of(targetB), owner, null, id -> {}).id();
                assertThat(xdpProgram(b, veth)).hasValue(programId(dispatcher));
                third.remove(a1);
                assertThat(xdpProgram(b, veth)).hasValue(programId(agent.layout.target(b1, targetB)));
                third.remove(b1);
                assertThat(xdpProgram(b, veth)).isEmpty();
            } finally {
                Files.walk(state).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void anInterfaceMadeAgainUnderTheSameNameGetsItsXdpLinkAgain() {
        try (TestAgent agent = new TestAgent(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            Veth veth = Veth.connect(a, b);
            XdpCpuTarget targetA = target(b, veth, PORT_A);
            XdpCpuTarget targetB = target(b, veth, PORT_B);
            Deployment da = agent.deployer.deploy(TestAgent.example("count_packets.c"), List.of(targetA));
            // The interface goes, taking the link's attachment with it; one of the same name comes.
            a.run("ip", "link", "del", veth.ifA());
            a.run("ip", "link", "add", veth.ifA(), "type", "veth", "peer", "name", veth.ifB(), "netns", b.name());
            a.run("ip", "addr", "add", veth.addrA() + "/24", "dev", veth.ifA());
            b.run("ip", "addr", "add", veth.addrB() + "/24", "dev", veth.ifB());
            a.run("ip", "link", "set", veth.ifA(), "up");
            b.run("ip", "link", "set", veth.ifB(), "up");
            a.run("ethtool", "-K", veth.ifA(), "tx", "off");
            b.run("ethtool", "-K", veth.ifB(), "tx", "off");
            assertThat(xdpProgram(b, veth)).as("nothing attached to the new interface yet").isEmpty();

            try (UdpWorkers workersA = UdpWorkers.start(b, veth.addrB(), PORT_A, 1);
                 UdpWorkers workersB = UdpWorkers.start(b, veth.addrB(), PORT_B, 1)) {
                Deployment db = agent.deployer.deploy(TestAgent.example("count_packets.c"), List.of(targetB));
                assertThat(xdpProgram(b, veth)).as("the dispatcher, on a new link")
                        .hasValue(programId(agent.layout.xdpDispatcher(NetnsRef.of(b.path()), veth.ifB())));
                assertThat(steered(agent, a, veth, db, targetB, workersB, PORT_B, 100)).isEqualTo(100);
                assertThat(steered(agent, a, veth, da, targetA, workersA, PORT_A, 100)).isEqualTo(100);
                agent.deployer.remove(da.id());
                agent.deployer.remove(db.id());
                assertThat(xdpProgram(b, veth)).isEmpty();
            }
        }
    }

    /** A fresh deployer on the same pins and state, as a restarted agent has. */
    private static NodeDeployments open(TestAgent agent, Path state) {
        return NodeDeployments.open(new Deployer(agent.layout, agent.compiler, agent.sdk, Netns.XDP_MODE_AUTO), state);
    }

    private static XdpCpuTarget target(NetNs b, Veth veth, int port) {
        return new XdpCpuTarget(NetnsRef.of(b.path()), veth.ifB(), Protocol.UDP, port, List.of(0));
    }

    /** Sends n datagrams to port; returns how many of them the deployment's policy decided, once all arrived. */
    private static long steered(TestAgent agent, NetNs a, Veth veth, Deployment d, XdpCpuTarget target,
                                UdpWorkers workers, int port, int n) {
        workers.reset();
        long before = agent.deployer.stats(d.id(), target).perExecutor()[0];
        UdpSender.to(veth.addrB(), port).in(a).count(n).run();
        assertThat(workers.awaitTotal(n, WAIT)).containsExactly(n);
        return agent.deployer.stats(d.id(), target).perExecutor()[0] - before;
    }

    /**
     * Runs change while port's datagrams flow; every one of them must be delivered and decided by
     * d's policy, none passed around it.
     */
    private static <R> R underTraffic(TestAgent agent, NetNs a, Veth veth, Deployment d, XdpCpuTarget target,
                                      UdpWorkers workers, int port, java.util.function.Supplier<R> change)
            throws Exception {
        workers.reset();
        long before = agent.deployer.stats(d.id(), target).perExecutor()[0];
        CompletableFuture<UdpSender.Result> traffic = CompletableFuture.supplyAsync(() ->
                UdpSender.to(veth.addrB(), port).in(a).count(PACKETS).intervalUs(500).run());
        Thread.sleep(200);
        R result = change.get();
        assertThat(traffic.get(60, TimeUnit.SECONDS).sent()).isEqualTo(PACKETS);
        assertThat(workers.awaitTotal(PACKETS, WAIT)).containsExactly(PACKETS);
        assertThat(agent.deployer.stats(d.id(), target).perExecutor()[0] - before)
                .as("datagrams decided by the running policy during the switch").isEqualTo(PACKETS);
        return result;
    }

    private static void underTraffic(TestAgent agent, NetNs a, Veth veth, Deployment d, XdpCpuTarget target,
                                     UdpWorkers workers, int port, Runnable change) throws Exception {
        underTraffic(agent, a, veth, d, target, workers, port, () -> {
            change.run();
            return null;
        });
    }

    private static int programId(Path dir) {
        try (Fd prog = Bpf.open(dir.resolve("prog"))) {
            return Bpf.programInfo(prog).id();
        }
    }

    /** The id of the XDP program the interface runs, as the kernel reports it. */
    private static OptionalInt xdpProgram(NetNs b, Veth veth) {
        Matcher m = XDP_PROG.matcher(b.run("ip", "-d", "link", "show", "dev", veth.ifB()));
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }
}
