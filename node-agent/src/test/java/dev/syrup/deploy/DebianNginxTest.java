package dev.syrup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.deploy.TargetState.State;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.SocketSelectTarget;
import dev.syrup.testing.Exec;
import dev.syrup.testing.NetNs;
import dev.syrup.testing.UdpSender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real multi-process UDP server nobody on the team wrote: Debian's nginx with its stream module,
 * N worker processes each serving its own SO_REUSEPORT socket (unpacked by
 * src/test/debian/fetch-nginx.sh, not installed). Which worker served each datagram is read from
 * nginx's own access log ($pid). Round robin must stay exact through a reload, a stop and start,
 * and a restart with another number of workers.
 */
class DebianNginxTest {
    private static final Path NGINX = Path.of(System.getProperty("syrup.debian",
            System.getProperty("user.home") + "/.cache/syrup/debian"), "nginx");
    private static final int PORT = 9340;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private TestAgent agent;
    private ExecutorFollower follower;
    private NetNs ns;
    private Process nginx;

    @BeforeEach
    void setUp() {
        assertThat(NGINX.resolve("usr/sbin/nginx")).as("Debian's nginx: run src/test/debian/fetch-nginx.sh (make debian-servers)")
                .isExecutable();
        agent = new TestAgent();
        follower = ExecutorFollower.start(agent.deployer, agent.sdk.bindWatcherObject(), System.err::println);
        ns = NetNs.create();
    }

    @AfterEach
    void tearDown() {
        stop();
        follower.close();
        agent.close();
        ns.close();
    }

    private SocketSelectTarget target() { return new SocketSelectTarget(NetnsRef.of(ns.path()), Protocol.UDP, PORT); }

    private void start(int workers) throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        dir.toFile().setExecutable(true, false); // the workers run as nobody and write the access log here
        Path log = dir.resolve("access.log");
        Files.deleteIfExists(log);
        Files.writeString(dir.resolve("nginx.conf"), """
                load_module %s;
                worker_processes %d;
                daemon off;
                pid %s;
                user nobody nogroup;
                events { worker_connections 64; }
                stream {
                    log_format workers $pid;
                    server {
                        listen 127.0.0.1:%d udp reuseport;
                        access_log %s workers;
                        return $pid;
                    }
                }
                """.formatted(NGINX.resolve("usr/lib/nginx/modules/ngx_stream_module.so"), workers,
                dir.resolve("nginx.pid"), PORT, log));
        nginx = ns.command(NGINX.resolve("usr/sbin/nginx").toString(), "-p", dir.toString(), "-c",
                dir.resolve("nginx.conf").toString(), "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        awaitWorkers(workers);
    }

    private void stop() {
        if (nginx != null) {
            nginx.destroy(); // SIGTERM: nginx's fast shutdown
            try {
                nginx.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            nginx.destroyForcibly();
            nginx = null;
        }
    }

    /** The master's children: its worker processes. */
    private List<Long> workerPids() {
        return ProcessHandle.of(nginx.pid()).map(p -> p.children().filter(c -> c.info().command()
                .map(cmd -> cmd.endsWith("nginx")).orElse(true)).map(ProcessHandle::pid).sorted().toList()).orElse(List.of());
    }

    private void awaitWorkers(int n) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (workerPids().size() != n && System.nanoTime() < deadline) {
            sleep(20);
        }
        assertThat(workerPids()).as("nginx workers").hasSize(n);
    }

    /** Sends count datagrams of one flow and returns how many each worker (by pid) served, from nginx's log. */
    private Map<Long, Long> send(int count) throws IOException {
        Path log = dir.resolve("access.log");
        long before = Files.exists(log) ? Files.readAllLines(log).size() : 0;
        // Paced: unpaced, Linux's default sends all 400 to one worker, which logs each, and on a busy machine its
        // socket's receive buffer overflowed (CI once saw 345 of 400 logged).
        UdpSender.to("127.0.0.1", PORT).in(ns).srcPorts(1).count(count).intervalUs(100).run();
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            if (lines.size() - before >= count) {
                break;
            }
            sleep(20);
        }
        assertThat(lines.size() - before).as("datagrams nginx logged").isEqualTo(count);
        return lines.subList((int) before, lines.size()).stream().map(String::strip).map(Long::parseLong)
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
    }

    private void assertRoundRobin(Map<Long, Long> byWorker, int workers, long each) {
        assertThat(byWorker.keySet()).as("workers that served").containsExactlyInAnyOrderElementsOf(workerPids());
        assertThat(byWorker.values()).as("datagrams per worker").hasSize(workers).allMatch(n -> n == each);
    }

    private void awaitState(Deployment d, State state, int live) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        TargetState s = null;
        while (System.nanoTime() < deadline) {
            s = follower.state(d.id(), target()).orElseThrow();
            if (s.state() == state && s.live() == live) {
                return;
            }
            sleep(10);
        }
        throw new AssertionError("expected " + state + " with " + live + " live executors, still " + s);
    }

    @Test
    void roundRobinStaysExactThroughReloadRestartAndAnotherWorkerCount() throws IOException {
        start(4);
        // Linux's default: one flow hashes to one worker.
        assertThat(send(400)).hasSize(1).containsValue(400L);

        Deployment d = agent.deployer.deploy(TestAgent.example("round_robin.c"), List.of(target()));
        follower.track(d, 0);
        assertRoundRobin(send(400), 4, 100);

        List<Long> before = workerPids();
        Exec.check(new ProcessBuilder("kill", "-HUP", Long.toString(nginx.pid())), Exec.SHORT);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while ((workerPids().size() != 4 || workerPids().stream().anyMatch(before::contains)) && System.nanoTime() < deadline) {
            sleep(20);
        }
        assertThat(workerPids()).as("workers after the reload").hasSize(4).doesNotContainAnyElementsOf(before);
        assertRoundRobin(send(400), 4, 100);

        stop();
        awaitState(d, State.WAITING, 0);
        start(4);
        awaitState(d, State.ATTACHED, 4);
        assertRoundRobin(send(400), 4, 100);

        stop();
        awaitState(d, State.WAITING, 0);
        start(8);
        awaitState(d, State.ATTACHED, 8);
        assertRoundRobin(send(800), 8, 100);
        assertThat(agent.deployer.stats(d.id(), target()).fallback()).isZero();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
