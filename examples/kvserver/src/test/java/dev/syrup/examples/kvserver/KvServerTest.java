package dev.syrup.examples.kvserver;

import dev.syrup.testing.SyrupdProcess;
import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.api.DeploymentView;
import dev.syrup.client.MapDump;
import dev.syrup.client.SyrupClient;
import dev.syrup.testing.NetNs;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** KvServer on the real kernel, in a network namespace, with and without policies deployed through a real syrupd. */
class KvServerTest {
    private static final int PORT = 9000;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private static SyrupdProcess syrupd;
    private static SyrupClient syrup;
    private NetNs ns;

    @BeforeAll
    static void startSyrupd() throws Exception {
        syrupd = new SyrupdProcess();
        syrup = SyrupClient.connect(syrupd.socket);
    }

    @AfterAll
    static void stopSyrupd() {
        if (syrup != null) {
            syrup.close();
        }
        if (syrupd != null) {
            syrupd.close();
        }
    }

    @BeforeEach
    void namespace() { ns = NetNs.create(); }

    @AfterEach
    void dropNamespace() { ns.close(); }

    @Test
    void workerIServesWhatThePolicySendsToExecutorIAndRepliesEchoTheRequest() throws Exception {
        try (KvServerProcess server = KvServerProcess.start(ns, syrupd, "--workers", "4", "--scan-us", "500",
                "--policy", resource("route_by_id.c").toString())) {
            assertThat(server.deploymentId()).isNotNull();
            assertThat(server.stderr()).contains("no workers map");

            List<ProbeRun.Seen> replies = ProbeRun.run(ns, PORT, PROBE_TIMEOUT, "G*20", "S*4", "G*16");

            assertThat(replies).hasSize(40);
            assertThat(replies).allSatisfy(r -> {
                assertThat(r.type()).isEqualTo(r.id() >= 20 && r.id() < 24 ? 'S' : 'G');
                assertThat(r.worker()).as("worker of request %d", r.id()).isEqualTo((int) (r.id() % 4));
                assertThat(r.length()).isEqualTo(RequestCodec.REPLY_BYTES);
            });
            assertThat(replies.stream().map(ProbeRun.Seen::id)).containsExactlyInAnyOrderElementsOf(
                    LongStream.range(0, 40).boxed().toList());
            DeploymentView.Target target = deployment(server.deploymentId()).targets().get(0);
            assertThat(target.executors()).isEqualTo(4);
            assertThat(target.decisions()).containsExactly(10, 10, 10, 10);

            // SIGTERM: the server removes its deployment on the way out.
            server.stop();
            assertThat(syrup.list()).noneMatch(d -> d.id().equals(server.deploymentId()));
        }
    }

    @Test
    void underScanAvoidGetsNeverLandOnAWorkerWithAScanAndTheCountersDrain() throws Exception {
        // 1 ms GETs: a burst of 50 builds queues on the SCAN-free workers, so a policy that only
        // looked at queue lengths (least_loaded.c) would spill GETs onto the SCAN workers.
        try (KvServerProcess server = KvServerProcess.start(ns, syrupd, "--workers", "4", "--get-us", "1000",
                "--scan-us", "1000000", "--policy", policy("scan_avoid.c").toString())) {
            String id = server.deploymentId();
            assertThat(server.stderr()).contains("publishing worker state");
            Process probe = ProbeRun.command(ns, PORT, PROBE_TIMEOUT, "S", "S", "pause:20", "G*50")
                    .redirectErrorStream(true).start();

            // While the two SCANs run, the policy's counters show them, each on its own worker.
            Map<Integer, int[]> during = awaitCounters(id, c -> c.values().stream().mapToInt(s -> s[1]).sum() == 2);
            assertThat(during.values().stream().filter(s -> s[1] == 1 && s[0] >= 1)).hasSize(2);

            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(probe.waitFor(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as(out).isTrue();
            assertThat(probe.exitValue()).as(out).isZero();
            List<ProbeRun.Seen> replies = ProbeRun.parse(out);
            assertThat(replies).hasSize(52);
            Set<Integer> scanWorkers = workersOf(replies, 'S');
            Set<Integer> getWorkers = workersOf(replies, 'G');
            assertThat(scanWorkers).hasSize(2);
            assertThat(getWorkers).isNotEmpty().doesNotContainAnyElementsOf(scanWorkers);
            // The scans were counted where they went.
            assertThat(during.entrySet().stream().filter(e -> e.getValue()[1] == 1).map(Map.Entry::getKey))
                    .containsExactlyInAnyOrderElementsOf(scanWorkers);

            // Every request was served: the counters are back to zero.
            assertThat(counters(id).values()).allSatisfy(s -> assertThat(s).containsExactly(0, 0));
        }
    }

    @Test
    void underScanAvoidScansNeverTakeTheLastWorkerWithoutOne() throws Exception {
        try (KvServerProcess server = KvServerProcess.start(ns, syrupd, "--workers", "4", "--scan-us", "1000000",
                "--policy", policy("scan_avoid.c").toString())) {
            String id = server.deploymentId();
            Process probe = ProbeRun.command(ns, PORT, PROBE_TIMEOUT, "S", "S", "S", "S", "pause:20", "G*40")
                    .redirectErrorStream(true).start();

            // Three SCANs take a worker each; the fourth queues behind one of them rather than take the last
            // worker without a SCAN.
            Map<Integer, int[]> during = awaitCounters(id, c -> c.values().stream().mapToInt(s -> s[1]).sum() == 4);
            assertThat(during.values().stream().map(s -> s[1]).sorted()).containsExactly(0, 1, 1, 2);

            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(probe.waitFor(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as(out).isTrue();
            List<ProbeRun.Seen> replies = ProbeRun.parse(out);
            assertThat(replies).hasSize(44);
            Set<Integer> scanWorkers = workersOf(replies, 'S');
            assertThat(scanWorkers).hasSize(3);
            // Every GET went to the worker the SCANs left alone, none waited behind a SCAN.
            int clear = during.entrySet().stream().filter(e -> e.getValue()[1] == 0).findFirst().orElseThrow().getKey();
            assertThat(workersOf(replies, 'G')).containsExactly(clear).doesNotContainAnyElementsOf(scanWorkers);
            assertThat(counters(id).values()).allSatisfy(s -> assertThat(s).containsExactly(0, 0));
        }
    }

    @Test
    void underLinuxDefaultOneClientsGetsWaitBehindItsScan() throws Exception {
        try (KvServerProcess server = KvServerProcess.start(ns, syrupd, "--workers", "4", "--scan-us", "300000")) {
            assertThat(server.deploymentId()).isNull();

            List<ProbeRun.Seen> replies = ProbeRun.run(ns, PORT, PROBE_TIMEOUT, "S", "pause:20", "G*50");

            assertThat(replies).hasSize(51);
            // One source port, one flow: Linux hashes it to one socket, and the GETs queue behind the SCAN.
            assertThat(workersOf(replies, 'S')).isEqualTo(workersOf(replies, 'G')).hasSize(1);
            assertThat(replies.get(0).type()).isEqualTo('S');
        }
    }

    @Test
    void withoutAPolicyTheServerServesGetsAndScans() throws Exception {
        try (KvServerProcess server = KvServerProcess.start(ns, syrupd, "--workers", "3", "--scan-us", "2000",
                "--scan-mode", "spin")) {
            List<ProbeRun.Seen> replies = ProbeRun.run(ns, PORT, PROBE_TIMEOUT, "G*10", "S*3", "G*10");

            assertThat(replies).hasSize(23);
            assertThat(replies).allSatisfy(r -> {
                assertThat(r.type()).isEqualTo(r.id() >= 10 && r.id() < 13 ? 'S' : 'G');
                assertThat(r.worker()).isBetween(0, 2);
            });
            assertThat(syrup.list()).isEmpty();
        }
    }

    @Test
    void underLeastLoadedTheCountersDrainAfterMixedTraffic() throws Exception {
        try (KvServerProcess server = KvServerProcess.start(ns, syrupd, "--workers", "4", "--scan-us", "2000",
                "--policy", policy("least_loaded.c").toString())) {
            List<ProbeRun.Seen> replies = ProbeRun.run(ns, PORT, PROBE_TIMEOUT,
                    "G*100", "S*10", "G*100", "S*10", "G*100");

            assertThat(replies).hasSize(320);
            // Shortest queue first: a burst spreads over every worker.
            assertThat(workersOf(replies, 'G')).containsExactlyInAnyOrder(0, 1, 2, 3);
            assertThat(counters(server.deploymentId()).values()).allSatisfy(s -> assertThat(s).containsExactly(0, 0));
            assertThat(deployment(server.deploymentId()).targets().get(0).decisions()).hasSize(4);
        }
    }

    /** The demo compares policies on one running server: deploy, replace, a refused replace, remove, deploy again. */
    @Test
    void policyCommandsSwitchPoliciesUnderTheRunningServer() throws Exception {
        Path broken = Files.writeString(Files.createTempFile("broken", ".c"), "uint32_t schedule(void *p, void *e) { return }\n");
        try (KvServerProcess server = KvServerProcess.start(ns, syrupd, "--workers", "4", "--scan-us", "2000",
                "--policy-commands")) {
            assertThat(server.deploymentId()).isNull();

            String first = server.command("policy " + resource("route_by_id.c"));
            assertThat(first).startsWith("POLICY ").doesNotContain("failed");
            String id = first.substring("POLICY ".length());
            assertThat(ProbeRun.run(ns, PORT, PROBE_TIMEOUT, "G*8"))
                    .allSatisfy(r -> assertThat(r.worker()).isEqualTo((int) (r.id() % 4)));

            // Replaced in place: same deployment, the new policy's counters published and drained.
            assertThat(server.command("policy " + policy("least_loaded.c"))).isEqualTo("POLICY " + id);
            List<ProbeRun.Seen> mixed = ProbeRun.run(ns, PORT, PROBE_TIMEOUT, "G*100", "S*10", "G*100");
            assertThat(mixed).hasSize(210);
            assertThat(workersOf(mixed, 'G')).containsExactlyInAnyOrder(0, 1, 2, 3);
            assertThat(server.stderr()).contains("publishing worker state in map workers of " + id);
            assertThat(counters(id).values()).allSatisfy(s -> assertThat(s).containsExactly(0, 0));

            // A policy that does not compile is refused; least_loaded keeps running.
            assertThat(server.command("policy " + broken)).startsWith("POLICY failed: ");
            assertThat(deployment(id).policy().name()).endsWith("least_loaded.c");
            assertThat(ProbeRun.run(ns, PORT, PROBE_TIMEOUT, "G*40")).hasSize(40);
            assertThat(counters(id).values()).allSatisfy(s -> assertThat(s).containsExactly(0, 0));

            // Removed: Linux's hash again, one flow on one worker.
            assertThat(server.command("policy none")).isEqualTo("POLICY none");
            assertThat(syrup.list()).noneMatch(d -> d.id().equals(id));
            assertThat(workersOf(ProbeRun.run(ns, PORT, PROBE_TIMEOUT, "G*20"), 'G')).hasSize(1);

            String again = server.command("policy " + resource("route_by_id.c"));
            assertThat(again).startsWith("POLICY ").isNotEqualTo("POLICY " + id).doesNotContain("failed");
            assertThat(ProbeRun.run(ns, PORT, PROBE_TIMEOUT, "G*8"))
                    .allSatisfy(r -> assertThat(r.worker()).isEqualTo((int) (r.id() % 4)));
            String last = again.substring("POLICY ".length());
            server.stop();
            assertThat(syrup.list()).noneMatch(d -> d.id().equals(last)); // removed on exit
        } finally {
            Files.delete(broken);
        }
    }

    private static Set<Integer> workersOf(List<ProbeRun.Seen> replies, char type) {
        return replies.stream().filter(r -> r.type() == type).map(ProbeRun.Seen::worker).collect(Collectors.toSet());
    }

    /** Worker -> {queued, scans} for the workers the server has (the map has 64 entries). */
    private static Map<Integer, int[]> counters(String id) {
        MapDump dump = syrup.mapDump(id, WorkerState.MAP);
        Map<Integer, int[]> out = new TreeMap<>();
        for (MapDump.Entry e : dump.entries()) {
            int key = ByteBuffer.wrap(e.key()).order(ByteOrder.nativeOrder()).getInt();
            ByteBuffer v = ByteBuffer.wrap(e.value()).order(ByteOrder.nativeOrder());
            if (key < 4) {
                out.put(key, new int[] {v.getInt(WorkerState.QUEUED_OFFSET), v.getInt(WorkerState.SCANS_OFFSET)});
            }
        }
        return out;
    }

    private static Map<Integer, int[]> awaitCounters(String id, Predicate<Map<Integer, int[]>> done) {
        Instant deadline = Instant.now().plusSeconds(5);
        for (;;) {
            Map<Integer, int[]> c = counters(id);
            if (done.test(c)) {
                return c;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("counters never got there: " + c.entrySet().stream()
                        .map(e -> e.getKey() + "=" + Arrays.toString(e.getValue())).toList());
            }
            Jvm.sleep(5);
        }
    }

    /**
     * With --thread-policy the server registers its four workers, and only they are moved: the JVM's
     * other threads (main, garbage collector, compiler...) keep the CPUs they had.
     */
    @Test
    void withAThreadPolicyOnlyTheWorkerThreadsAreMoved() throws Exception {
        try (KvServerProcess server = KvServerProcess.start(ns, syrupd, "--workers", "4",
                "--thread-policy", policy("pin_per_worker.c").toString(), "--thread-cpus", "0")) {
            String id = server.threadDeploymentId();
            assertThat(id).isNotNull();
            DeploymentView.Target target = deployment(id).targets().get(0);
            assertThat(target.threads().selection()).isEqualTo("registered");
            assertThat(target.threads().registered()).isEqualTo(4);
            ProbeRun.run(ns, PORT, PROBE_TIMEOUT, "G*40"); // the workers wake up: scheduler events

            Map<String, BitSet> byName = new TreeMap<>();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            do {
                byName.clear();
                for (Path task : Files.list(Path.of("/proc/" + server.pid() + "/task")).toList()) {
                    int tid = Integer.parseInt(task.getFileName().toString());
                    String name = Files.readString(task.resolve("comm")).strip();
                    byName.put(name + "/" + tid, dev.syrup.bpf.Affinity.get(tid));
                }
                if (byName.entrySet().stream().filter(e -> e.getKey().startsWith("worker-"))
                        .allMatch(e -> e.getValue().equals(BitSet.valueOf(new long[] {1})))) {
                    break;
                }
                ProbeRun.run(ns, PORT, PROBE_TIMEOUT, "G*10");
            } while (Instant.now().isBefore(deadline));
            BitSet whole = dev.syrup.bpf.Affinity.get((int) server.pid());
            assertThat(whole.cardinality()).isGreaterThan(1);
            assertThat(byName.keySet().stream().filter(n -> n.startsWith("worker-"))).hasSize(4);
            byName.forEach((name, cpus) -> assertThat(cpus).as(name)
                    .isEqualTo(name.startsWith("worker-") ? BitSet.valueOf(new long[] {1}) : whole));
            server.stop();
            assertThat(syrup.list()).noneMatch(d -> d.id().equals(id)); // removed on exit
        }
    }

    private static DeploymentView deployment(String id) {
        return syrup.list().stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
    }

    private static Path policy(String name) {
        return Path.of(System.getProperty("syrup.examples"), "policies", name).toAbsolutePath().normalize();
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(KvServerTest.class.getResource("/" + name).toURI());
    }
}
