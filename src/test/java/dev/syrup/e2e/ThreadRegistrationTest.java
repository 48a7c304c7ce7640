package dev.syrup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syrup.api.HookSpec;
import dev.syrup.api.Request;
import dev.syrup.bpf.Affinity;
import dev.syrup.client.SyrupClient;
import dev.syrup.client.SyrupException;
import dev.syrup.testing.Exec;
import dev.syrup.testing.SpinThreads;
import dev.syrup.testing.SyrupdProcess;
import dev.syrup.testing.TestApps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Threads registered by the application itself (thread.register), on the host kernel: a deployment
 * of registered threads schedules those and no other thread of the process; a process may register
 * only its own threads, only into a deployment of its cgroup, and only of its owner's uid (unless
 * root made it); unregistering or removing puts the threads back on their CPUs.
 */
class ThreadRegistrationTest {
    static final Duration WAIT = ThreadHookTest.WAIT;
    static final BitSet BOTH = ThreadHookTest.BOTH;
    static final int NOBODY = 65534;
    static final int ANOTHER_USER = 65533;

    private SyrupdProcess syrupd;
    private SpinThreads app;

    @BeforeEach
    void setUp() {
        syrupd = new SyrupdProcess();
        app = SpinThreads.start("syrup-t-reg-app", 4, null, syrupd.socket, 0);
    }

    @AfterEach
    void tearDown() {
        syrupd.close();
        app.close();
    }

    private String deployRegistered(RawClient c, SpinThreads target) throws IOException {
        return c.request(Request.deploy(DaemonTest.example("pin_per_worker.c"),
                List.of(HookSpec.registeredThreads((int) target.pid(), null, null)))).path("id").asText();
    }

    /** Waits until worker i of app is restricted to one CPU: the one its worker_index entry says. */
    private static void awaitPinned(RawClient c, String id, SpinThreads app, int... workers) {
        SpinThreads.await(WAIT, () -> {
            Map<Integer, Integer> index = workerIndex(c, id);
            for (int i : workers) {
                Integer k = index.get(app.workers().get(i));
                if (k == null || !app.affinities().get(i).equals(SpinThreads.cpus(k % 2))) {
                    return false;
                }
            }
            return true;
        }, () -> "workers " + app.workers() + " with affinities " + app.affinities() + ", worker_index "
                + workerIndex(c, id));
    }

    /** worker_index of pin_per_worker.c (tid -> k), read as root (the deployment may be a user's). */
    private static Map<Integer, Integer> workerIndex(RawClient c, String id) {
        Map<Integer, Integer> out = new java.util.HashMap<>();
        for (JsonNode e : c.request(Request.map("map.dump", id, "worker_index", null, null, true)).path("entries")) {
            out.put(ThreadHookTest.u32(e.path("key").asText()), ThreadHookTest.u32(e.path("value").asText()));
        }
        return out;
    }

    private static JsonNode threadTarget(RawClient c, String id) {
        for (JsonNode d : c.request(Request.list()).path("deployments")) {
            if (d.path("id").asText().equals(id)) {
                return d.path("targets").get(0);
            }
        }
        throw new AssertionError("deployment " + id + " is not listed");
    }

    @Test
    void onlyTheRegisteredThreadsOfTheProcessAreScheduledAndUnregisteringPutsThemBack() throws IOException {
        try (RawClient c = new RawClient(syrupd.socket)) {
            String id = deployRegistered(c, app);
            assertThat(threadTarget(c, id).path("threads").path("selection").asText()).isEqualTo("registered");

            assertThat(app.command("register " + id + " 0 1")).isEqualTo("ok");
            awaitPinned(c, id, app, 0, 1);
            // Workers 0 and 1 are on CPUs of their own; the policy never even ran for workers 2 and 3
            // (no worker_index entry), and nothing moved them or the process's main thread.
            assertThat(app.affinities().get(0)).isNotEqualTo(app.affinities().get(1));
            Map<Integer, Integer> index = workerIndex(c, id);
            assertThat(index).containsOnlyKeys(app.workers().get(0), app.workers().get(1));
            assertThat(app.affinities().subList(2, 4)).containsOnly(BOTH);
            assertThat(Affinity.get((int) app.pid())).isEqualTo(BOTH);
            JsonNode target = threadTarget(c, id);
            assertThat(target.path("threads").path("registered").asInt()).isEqualTo(2);
            assertThat(target.path("threads").path("threads").asInt()).isEqualTo(2);

            // Unregistered, worker 0 is back on both CPUs, and stays there; worker 1 stays pinned.
            assertThat(app.command("unregister " + id + " 0")).isEqualTo("ok");
            assertThat(app.affinities().get(0)).isEqualTo(BOTH);
            assertThat(app.affinities().get(1).cardinality()).isEqualTo(1);
            assertThat(threadTarget(c, id).path("threads").path("registered").asInt()).isEqualTo(1);
            long moved = threadTarget(c, id).path("threads").path("moved").asLong();
            SyrupdProcess.sleep(500); // worker 0 runs and sleeps hundreds of times meanwhile
            assertThat(app.affinities().get(0)).isEqualTo(BOTH);
            assertThat(threadTarget(c, id).path("threads").path("moved").asLong()).isEqualTo(moved);

            // Registered again, it is scheduled again.
            assertThat(app.command("register " + id + " 0")).isEqualTo("ok");
            awaitPinned(c, id, app, 0, 1);

            c.request(Request.remove(id, false));
            assertThat(app.affinities()).containsOnly(BOTH);
        }
    }

    @Test
    void registrationsOutliveAKilledAgentAndTheNextOneUndoesThem() throws IOException {
        String id;
        try (RawClient c = new RawClient(syrupd.socket)) {
            id = deployRegistered(c, app);
            assertThat(app.command("register " + id + " 1 2")).isEqualTo("ok");
            awaitPinned(c, id, app, 1, 2);
        }
        syrupd.kill();
        syrupd.start();
        try (RawClient c = new RawClient(syrupd.socket)) {
            JsonNode target = threadTarget(c, id);
            assertThat(target.path("threads").path("selection").asText()).isEqualTo("registered");
            assertThat(target.path("threads").path("registered").asInt()).isEqualTo(2);
            assertThat(app.command("unregister " + id + " 1")).isEqualTo("ok");
            assertThat(app.affinities().get(1)).isEqualTo(BOTH);
            assertThat(app.affinities().get(2).cardinality()).isEqualTo(1);
            assertThat(app.affinities().get(0)).isEqualTo(BOTH);
            c.request(Request.remove(id, false));
            assertThat(app.affinities()).containsOnly(BOTH);
        }
    }

    @Test
    void aThreadOfAnotherProcessIsRefused() throws IOException {
        try (SpinThreads neighbour = SpinThreads.start("syrup-t-reg-app/neighbour", 2, null, syrupd.socket, 0);
             RawClient c = new RawClient(syrupd.socket)) {
            String id = deployRegistered(c, app);
            // The application names a thread of another process in its cgroup: refused.
            assertThat(app.command("register-tid " + id + " " + neighbour.workers().get(0)))
                    .startsWith("error forbidden").contains("not a thread of your process");
            // A client that names the application's thread from its own process: refused.
            Exec.Result r = Exec.run(new ProcessBuilder(TestApps.binary(TestApps.SYRUP_CTL).toString(),
                    "--socket", syrupd.socket.toString(), "register", id, app.workers().get(0).toString()),
                    Duration.ofSeconds(30));
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr()).contains("forbidden").contains("not a thread of your process");
            // Nor may it take the application's thread out.
            assertThat(app.command("register " + id + " 0")).isEqualTo("ok");
            r = Exec.run(new ProcessBuilder(TestApps.binary(TestApps.SYRUP_CTL).toString(),
                    "--socket", syrupd.socket.toString(), "unregister", id, app.workers().get(0).toString()),
                    Duration.ofSeconds(30));
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr()).contains("forbidden");
            assertThat(threadTarget(c, id).path("threads").path("registered").asInt()).isEqualTo(1);
            awaitPinned(c, id, app, 0);
            assertThat(neighbour.affinities()).containsOnly(BOTH);

            // A deployment that schedules every thread of its cgroup takes no registrations.
            c.request(Request.remove(id, false));
            String all = c.request(Request.deploy(DaemonTest.example("pin_per_worker.c"),
                    List.of(HookSpec.thread((int) app.pid(), null, null)))).path("id").asText();
            assertThat(app.command("register " + all + " 0")).startsWith("error invalid-request")
                    .contains("every thread");
            c.request(Request.remove(all, false));
            assertThat(app.affinities()).containsOnly(BOTH);
        }
    }

    @Test
    void aProcessOfAnotherCgroupIsRefused() throws IOException {
        try (SpinThreads outsider = SpinThreads.start("syrup-t-reg-outsider", 2, null, syrupd.socket, 0);
             RawClient c = new RawClient(syrupd.socket)) {
            String id = deployRegistered(c, app);
            assertThat(outsider.command("register " + id + " 0 1")).startsWith("error forbidden")
                    .contains("not in cgroup /syrup-t-reg-app");
            assertThat(threadTarget(c, id).path("threads").path("registered").asInt()).isZero();
            assertThat(outsider.affinities()).containsOnly(BOTH);
            c.request(Request.remove(id, false));
        }
    }

    /**
     * A user's deployment takes that user's threads; a process of another user moved into its
     * cgroup may not register.
     */
    @Test
    void aProcessOfAnotherUserIsRefused() throws IOException {
        String group = "syrup-t-reg-user";
        try (SpinThreads owned = SpinThreads.start(group, 2, null, syrupd.socket, NOBODY)) {
            Path dir = Files.createTempDirectory("syrup-policy");
            dir.toFile().setExecutable(true, false);
            Path policy = Files.copy(Path.of(System.getProperty("syrup.examples"), "policies", "pin_per_worker.c"),
                    dir.resolve("pin_per_worker.c"));
            policy.toFile().setReadable(true, false);
            Path ctl = Files.copy(TestApps.binary(TestApps.SYRUP_CTL), dir.resolve("syrup_ctl"));
            ctl.toFile().setExecutable(true, false);
            Path procs = OtherClient.cgroup2Mount().resolve(group).resolve("cgroup.procs");
            // The user deploys for its own cgroup, from inside it.
            Exec.Result deployed = Exec.run(new ProcessBuilder("sh", "-c", "echo $$ > " + procs + " && exec \"$0\" \"$@\"",
                    "setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", ctl.toString(),
                    "--socket", syrupd.socket.toString(), "deploy", policy.toString(), "--hook", "thread",
                    "--pid", Long.toString(owned.pid()), "--threads", "registered", "--cpus", "0,1"), Duration.ofSeconds(120));
            assertThat(deployed.exitCode()).as(deployed.stderr()).isZero();
            String id = deployed.stdout().strip();
            assertThat(owned.command("register " + id + " 0")).isEqualTo("ok");

            try (SpinThreads intruder = SpinThreads.start(group, 2, null, syrupd.socket, ANOTHER_USER);
                 RawClient c = new RawClient(syrupd.socket)) {
                assertThat(intruder.command("register " + id + " 0 1")).startsWith("error forbidden")
                        .contains("belongs to uid " + NOBODY);
                awaitPinned(c, id, owned, 0);
                assertThat(threadTarget(c, id).path("threads").path("registered").asInt()).isEqualTo(1);
                assertThat(intruder.affinities()).containsOnly(BOTH);
                assertThat(owned.affinities().get(1)).isEqualTo(BOTH);
                c.request(Request.remove(id, true));
            }
            assertThat(owned.affinities()).containsOnly(BOTH);
        }
    }

    /** The Java client registers the calling thread by its native id. */
    @Test
    void theJavaClientRegistersTheCallingThread() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger tid = new AtomicInteger();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        try (SyrupClient syrup = SyrupClient.connect(syrupd.socket)) {
            // This JVM's own cgroup, registered threads only: the JVM's other threads are not touched.
            String id = syrup.deploy(DaemonTest.example("pin_per_worker.c"),
                    List.of(HookSpec.registeredThreads(self, null, List.of(1)))).id();
            BitSet before = Affinity.get(self);
            Thread worker = new Thread(() -> {
                try (SyrupClient own = SyrupClient.connect(syrupd.socket)) {
                    int me = SyrupClient.currentTid();
                    BitSet original = Affinity.get(me);
                    tid.set(me);
                    assertThat(own.registerCurrentThread(id)).isEqualTo(1);
                    while (!stop.get()) {
                        Thread.sleep(1); // scheduler events for the policy
                    }
                    assertThat(own.unregisterCurrentThread(id)).isZero();
                    assertThat(Affinity.get(me)).isEqualTo(original); // put back
                } catch (Throwable e) {
                    failed.set(e);
                }
            }, "registered-worker");
            worker.start();
            try {
                SpinThreads.await(WAIT, () -> failed.get() != null
                        || tid.get() != 0 && Affinity.get(tid.get()).equals(SpinThreads.cpus(1)),
                        () -> "thread " + tid.get() + " has CPUs " + Affinity.get(tid.get()));
                assertThat(failed.get()).isNull();
                assertThat(tid.get()).isNotEqualTo(self);
                assertThat(Affinity.get(self)).isEqualTo(before); // the JVM's main thread
            } finally {
                stop.set(true);
                worker.join(30_000);
            }
            assertThat(failed.get()).isNull();
            // A thread of another process is refused by the Java client too.
            Assertions.assertThatThrownBy(() -> syrup.registerThreads(id, List.of(app.workers().get(0))))
                    .isInstanceOf(SyrupException.class).hasMessageContaining("not a thread of your process");
            syrup.remove(id);
        }
    }
}
