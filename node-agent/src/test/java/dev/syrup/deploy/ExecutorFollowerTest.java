package dev.syrup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.deploy.TargetState.State;
import dev.syrup.hook.DecisionStats;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.SocketSelectTarget;
import dev.syrup.hook.thread.Cgroups;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import dev.syrup.testing.UdpWorkers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Socket-select deployments follow the application on the real kernel: the bind watcher reports
 * the new sockets of a restarted or scaled server (udp_workers in a namespace the test makes), the
 * follower takes them and the policy steers them again; sockets of another uid or cgroup are not taken.
 */
class ExecutorFollowerTest {
    private static final int PORT = 9310;
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Generous: the behaviour is asserted, not the time (bench-follow measures it). */
    private static final Duration FOLLOW = Duration.ofSeconds(20);

    private TestAgent agent;
    private ExecutorFollower follower;
    private NetNs ns;
    private final List<UdpWorkers> servers = new ArrayList<>();
    private Path cgroup;

    @BeforeEach
    void setUp() {
        agent = new TestAgent();
        follower = ExecutorFollower.start(agent.deployer, agent.sdk.bindWatcherObject(), System.err::println);
        ns = NetNs.create();
    }

    @AfterEach
    void tearDown() throws IOException {
        servers.forEach(UdpWorkers::close);
        follower.close();
        agent.close();
        ns.close();
        if (cgroup != null) {
            Files.deleteIfExists(cgroup);
        }
    }

    private SocketSelectTarget target() { return new SocketSelectTarget(NetnsRef.of(ns.path()), Protocol.UDP, PORT); }

    private UdpWorkers server(int sockets) { return server(UdpWorkers.on("127.0.0.1", PORT).in(ns).sockets(sockets)); }

    private UdpWorkers server(UdpWorkers.Builder b) {
        UdpWorkers w = b.start();
        servers.add(w);
        return w;
    }

    private Deployment deploy(String policy) {
        Deployment d = agent.deployer.deploy(policy.equals("route_to_zero.c") ? TestAgent.testPolicy(policy)
                : TestAgent.example(policy), List.of(target()));
        follower.track(d, 0);
        return d;
    }

    /** Sends count datagrams of one flow and returns how many each socket of workers received. */
    private long[] send(UdpWorkers workers, long count) {
        workers.reset();
        UdpSender.to("127.0.0.1", PORT).in(ns).srcPorts(1).count(count).run();
        long[] counts = workers.awaitTotal(count, WAIT);
        assertThat(Arrays.stream(counts).sum()).as("datagrams received").isEqualTo(count);
        return counts;
    }

    private TargetState awaitState(Deployment d, State state, int live) {
        long deadline = System.nanoTime() + FOLLOW.toNanos();
        TargetState s = null;
        while (System.nanoTime() < deadline) {
            s = follower.state(d.id(), target()).orElseThrow();
            if (s.state() == state && s.live() == live) {
                return s;
            }
            sleep(10);
        }
        throw new AssertionError("expected " + state + " with " + live + " live executors, still " + s);
    }

    @Test
    void aRestartedServerIsSteeredAgainAndWaitingInBetween() {
        assertThat(follower.watchesBinds()).isTrue();
        UdpWorkers first = server(4);
        Deployment d = deploy("round_robin.c");
        assertThat(follower.state(d.id(), target()).orElseThrow().state()).isEqualTo(State.ATTACHED);
        assertThat(send(first, 400)).containsExactly(100, 100, 100, 100);

        first.close();
        TargetState waiting = awaitState(d, State.WAITING, 0);
        assertThat(agent.deployer.stats(d.id(), target()).perExecutor()).isEmpty();

        UdpWorkers second = server(4);
        TargetState attached = awaitState(d, State.ATTACHED, 4);
        assertThat(attached.changedAt()).isAfterOrEqualTo(waiting.changedAt());
        assertThat(send(second, 400)).containsExactly(100, 100, 100, 100);
        DecisionStats stats = agent.deployer.stats(d.id(), target());
        assertThat(stats.perExecutor()).hasSize(4);
        assertThat(stats.fallback()).isZero();
    }

    @Test
    void theStateListenerIsToldOfEachChangeAndOfNothingElse() {
        List<TargetState> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        follower.onStateChange((id, t, state) -> told.add(state));
        UdpWorkers first = server(4);
        Deployment d = deploy("round_robin.c");
        first.close();
        awaitState(d, State.WAITING, 0);
        server(2);
        awaitState(d, State.ATTACHED, 2);

        follower.checkAll(); // a rescan that finds nothing new tells nothing
        assertThat(told).extracting(TargetState::state).contains(State.WAITING);
        assertThat(told.get(told.size() - 1)).extracting(TargetState::state, TargetState::live)
                .containsExactly(State.ATTACHED, 2);
        for (int i = 1; i < told.size(); i++) {
            assertThat(told.get(i).sameAs(told.get(i - 1))).as("told twice of " + told.get(i)).isFalse();
        }
    }

    @Test
    void aRestartWithAnotherWorkerCountIsRoundRobinOverTheNewCount() {
        UdpWorkers four = server(4);
        Deployment d = deploy("round_robin.c");
        assertThat(send(four, 400)).containsExactly(100, 100, 100, 100);

        four.close();
        awaitState(d, State.WAITING, 0);
        UdpWorkers eight = server(8);
        awaitState(d, State.ATTACHED, 8);
        assertThat(send(eight, 800)).containsExactly(100, 100, 100, 100, 100, 100, 100, 100);

        eight.close();
        awaitState(d, State.WAITING, 0);
        UdpWorkers two = server(2);
        awaitState(d, State.ATTACHED, 2);
        assertThat(send(two, 400)).containsExactly(200, 200);
        assertThat(agent.deployer.stats(d.id(), target()).fallback()).isZero();
    }

    @Test
    void socketsASecondProcessOpensJoinTheExecutorsInPidOrder() {
        UdpWorkers first = server(4);
        Deployment d = deploy("round_robin.c");
        UdpWorkers more = server(4);
        awaitState(d, State.ATTACHED, 8);
        first.reset();
        more.reset();
        UdpSender.to("127.0.0.1", PORT).in(ns).srcPorts(1).count(800).run();
        assertThat(first.awaitTotal(400, WAIT)).containsExactly(100, 100, 100, 100);
        assertThat(more.awaitTotal(400, WAIT)).containsExactly(100, 100, 100, 100);

        more.close();
        awaitState(d, State.ATTACHED, 4);
        assertThat(send(first, 400)).containsExactly(100, 100, 100, 100);
        assertThat(agent.deployer.stats(d.id(), target()).fallback()).isZero();
    }

    @Test
    void aSocketOfTheSameUserInAnotherCgroupIsNotTaken() throws IOException {
        UdpWorkers app = server(4);
        Deployment d = deploy("round_robin.c");
        cgroup = Cgroups.v2Mount().resolve("syrup-follow-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectory(cgroup);
        // Same uid, so the kernel lets it join the application's reuseport group.
        UdpWorkers intruder = server(UdpWorkers.on("127.0.0.1", PORT).in(ns).sockets(1).inCgroup(cgroup));
        follower.checkAll();
        assertThat(follower.state(d.id(), target()).orElseThrow().live()).isEqualTo(4);
        intruder.reset();
        assertThat(send(app, 400)).containsExactly(100, 100, 100, 100);
        assertThat(intruder.total()).isZero();
    }

    @Test
    void aSocketOfAnotherUserOnThePortIsNotTaken() {
        UdpWorkers app = server(4);
        Deployment d = deploy("round_robin.c");
        app.close();
        awaitState(d, State.WAITING, 0);
        server(UdpWorkers.on("127.0.0.1", PORT).in(ns).sockets(2).asUid(65534));
        follower.checkAll();
        TargetState s = follower.state(d.id(), target()).orElseThrow();
        assertThat(s.state()).isEqualTo(State.WAITING);
        assertThat(s.live()).isZero();
    }

    @Test
    void underASteadyStreamNoDatagramAfterTheReattachGoesByTheKernelDefault() throws Exception {
        UdpWorkers first = server(4);
        Deployment d = deploy("route_to_zero.c");
        // 64 flows: the kernel's default would spread them over the sockets.
        CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> UdpSender.to("127.0.0.1", PORT).in(ns)
                .srcPorts(64).count(15000).intervalUs(1000).run());
        sleep(300);
        first.close();
        awaitState(d, State.WAITING, 0);
        UdpWorkers second = server(4);
        awaitState(d, State.ATTACHED, 4);
        sleep(200); // datagrams the sockets queued before the re-attach are counted by now
        long[] atAttach = second.counts();
        assertThat(stream.isDone()).as("the stream still runs after the re-attach").isFalse();
        stream.get();
        sleep(200);
        long[] atEnd = second.counts();
        assertThat(atEnd[0] - atAttach[0]).as("datagrams after the re-attach").isPositive();
        for (int i = 1; i < 4; i++) {
            assertThat(atEnd[i] - atAttach[i]).as("datagrams on socket " + i + " after the re-attach").isZero();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
