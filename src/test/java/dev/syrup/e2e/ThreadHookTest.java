package dev.syrup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.HookSpec;
import dev.syrup.api.PolicyText;
import dev.syrup.api.Request;
import dev.syrup.testing.SpinThreads;
import dev.syrup.testing.SyrupdProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The thread hook with the affinity backend, on the host kernel: a pin-per-worker policy moves each
 * worker of the application's cgroup to the CPU it chose, never touches another cgroup's threads,
 * and the threads go back to their CPUs when the deployment is removed, also after syrupd was killed.
 */
class ThreadHookTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final BitSet BOTH = SpinThreads.cpus(0, 1);

    private SyrupdProcess syrupd;
    private SpinThreads app;
    private SpinThreads other;

    @BeforeEach
    void setUp() {
        syrupd = new SyrupdProcess();
        app = SpinThreads.start("syrup-t-thread-app", 4, null);
        other = SpinThreads.start("syrup-t-thread-other", 2, null);
    }

    @AfterEach
    void tearDown() {
        syrupd.close();
        app.close();
        other.close();
    }

    static JsonNode deploy(RawClient c, PolicyText policy, HookSpec hook) {
        return c.request(Request.deploy(policy, List.of(hook)));
    }

    /** worker_index of pin_per_worker.c: tid -> k. */
    static Map<Integer, Integer> workerIndex(RawClient c, String id) {
        Map<Integer, Integer> out = new HashMap<>();
        for (JsonNode e : c.request(Request.map("map.dump", id, "worker_index", null, null, false)).path("entries")) {
            out.put(u32(e.path("key").asText()), u32(e.path("value").asText()));
        }
        return out;
    }

    static int u32(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex)).order(ByteOrder.nativeOrder()).getInt();
    }

    /** Waits until every worker of app is restricted to CPU k mod 2, k its index in worker_index. */
    static void awaitPinned(RawClient c, String id, SpinThreads app) {
        SpinThreads.await(WAIT, () -> {
            Map<Integer, Integer> index = workerIndex(c, id);
            List<BitSet> now = app.affinities();
            for (int i = 0; i < app.workers().size(); i++) {
                Integer k = index.get(app.workers().get(i));
                if (k == null || !now.get(i).equals(SpinThreads.cpus(k % 2))) {
                    return false;
                }
            }
            return true;
        }, () -> "workers " + app.workers() + " with affinities " + app.affinities() + ", worker_index " + workerIndex(c, id));
    }

    @Test
    void pinPerWorkerMovesTheApplicationsWorkersOnlyAndRemovalPutsThemBack() throws IOException {
        try (RawClient c = new RawClient(syrupd.socket)) {
            JsonNode d = deploy(c, DaemonTest.example("pin_per_worker.c"), HookSpec.thread((int) app.pid(), null, null));
            String id = d.path("id").asText();
            assertThat(d.path("targets").get(0).path("cgroup").asText()).isEqualTo(app.cgroup());
            assertThat(d.path("targets").get(0).path("cpus").toString()).isEqualTo("[0,1]");

            awaitPinned(c, id, app);
            // The workers run where the policy put them: each one's last CPU is its only allowed one.
            SpinThreads.await(WAIT, () -> {
                List<BitSet> a = app.affinities();
                List<Integer> p = app.processors();
                for (int i = 0; i < a.size(); i++) {
                    if (!a.get(i).get(p.get(i)) || a.get(i).cardinality() != 1) {
                        return false;
                    }
                }
                return true;
            }, () -> "affinities " + app.affinities() + ", last CPUs " + app.processors());
            // Two workers per CPU: the policy spread them.
            assertThat(app.affinities()).containsOnly(SpinThreads.cpus(0), SpinThreads.cpus(1));
            assertThat(app.affinities().stream().filter(SpinThreads.cpus(0)::equals).count()).isEqualTo(2);
            // The other application's threads were never touched.
            assertThat(other.affinities()).containsOnly(BOTH);

            JsonNode target = c.request(Request.list()).path("deployments").get(0).path("targets").get(0);
            assertThat(target.path("threads").path("backend").asText()).isEqualTo("affinity");
            assertThat(target.path("threads").path("moved").asLong()).isGreaterThanOrEqualTo(4);
            assertThat(target.path("decisions").get(0).asLong() + target.path("decisions").get(1).asLong()).isPositive();
            assertThat(c.request(Request.status()).path("threadBackend").asText()).isEqualTo("affinity");

            c.request(Request.remove(id, false));
            assertThat(app.affinities()).containsOnly(BOTH);
            assertThat(other.affinities()).containsOnly(BOTH);
            assertThat(Files.exists(syrupd.pinRoot.resolve("deployments").resolve(id))).isFalse();
            assertThat(syrupd.dir.resolve("state/threads").toFile().list()).isNullOrEmpty();
            // The node-wide tid -> CPU map goes with the last thread deployment.
            assertThat(syrupd.pinRoot.resolve("threads/thread_cpu")).doesNotExist();
        }
    }

    @Test
    void aKilledAgentsMovesAreAdoptedAndUndoneByTheNextOne() throws IOException {
        String id;
        try (RawClient c = new RawClient(syrupd.socket)) {
            id = deploy(c, DaemonTest.example("pin_per_worker.c"), HookSpec.thread((int) app.pid(), null, null))
                    .path("id").asText();
            awaitPinned(c, id, app);
        }
        syrupd.kill();
        // The programs stay attached and the moves stay made while no agent runs.
        assertThat(app.affinities()).doesNotContain(BOTH);
        syrupd.start();
        try (RawClient c = new RawClient(syrupd.socket)) {
            JsonNode listed = c.request(Request.list()).path("deployments");
            assertThat(listed).extracting(d -> d.path("id").asText()).containsExactly(id);
            assertThat(listed.get(0).path("targets").get(0).path("threads").path("backend").asText()).isEqualTo("affinity");
            c.request(Request.remove(id, false));
        }
        assertThat(app.affinities()).containsOnly(BOTH);
        assertThat(other.affinities()).containsOnly(BOTH);
    }

    @Test
    void aRestartPutsBackTheThreadsOfADeploymentWhosePinsAreGone() throws IOException {
        String id;
        try (RawClient c = new RawClient(syrupd.socket)) {
            id = deploy(c, DaemonTest.example("pin_per_worker.c"), HookSpec.thread(null, app.cgroup(), null))
                    .path("id").asText();
            awaitPinned(c, id, app);
        }
        syrupd.kill();
        dev.syrup.bpf.Bpffs.removeTree(syrupd.pinRoot.resolve("deployments").resolve(id)); // drift: pins lost
        syrupd.start();
        try (RawClient c = new RawClient(syrupd.socket)) {
            assertThat(c.request(Request.list()).path("deployments")).isEmpty();
            assertThat(c.request(Request.status()).path("repaired").toString()).contains(id);
        }
        assertThat(app.affinities()).containsOnly(BOTH);
    }

    @Test
    void aThreadIsNeverMovedOutsideTheCpusItsApplicationAllowed() throws IOException {
        try (SpinThreads pinned = SpinThreads.start("syrup-t-thread-pinned", 2, List.of(1));
             RawClient c = new RawClient(syrupd.socket)) {
            // Executor 0 is CPU 0, which the application does not allow: nothing moves.
            JsonNode d = deploy(c, DaemonTest.example("pin_per_worker.c"), HookSpec.thread((int) pinned.pid(), null, List.of(0)));
            String id = d.path("id").asText();
            SpinThreads.await(WAIT, () -> c.request(Request.list()).path("deployments").get(0).path("targets").get(0)
                    .path("threads").path("skipped").asLong() >= 2, () -> "no decision was skipped");
            assertThat(pinned.affinities()).containsOnly(SpinThreads.cpus(1));
            c.request(Request.remove(id, false));
            assertThat(pinned.affinities()).containsOnly(SpinThreads.cpus(1));
        }
    }
}
