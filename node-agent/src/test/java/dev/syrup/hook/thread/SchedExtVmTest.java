package dev.syrup.hook.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.syrup.policy.Hook;
import dev.syrup.policy.ObjectCache;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.Sdk;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The sched_ext backend on a real sched_ext kernel: src/test/vm/run.sh boots Debian unstable's 7.2
 * kernel under qemu with this machine's root shared read-only, and vm/schedext-guest.sh runs the agent
 * code built here (SchedExtGuestAgent) against threads of two cgroups there. The guest reports
 * "CHECK name value" lines on the console, asserted below. Takes a few minutes under emulation (the
 * first run also downloads the kernel, about 120 MiB); -Dsyrup.vm.skip=true skips it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedExtVmTest {
    private static final long TIMEOUT_S = 900;
    private final Map<String, String> checks = new LinkedHashMap<>();
    private String console = "";
    private int exit = -1;

    @BeforeAll
    void runGuest() throws IOException, InterruptedException {
        assumeFalse(Boolean.getBoolean("syrup.vm.skip"), "syrup.vm.skip is set");
        Path root = Path.of(System.getProperty("syrup.native", "../native")).toAbsolutePath().normalize().getParent();
        Path testClasses = root.resolve("node-agent/target/test-classes");
        // The guest's /tmp is its own: the classpath must not point into the host's (surefire's booter jar does).
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path cache = prepareCache(root, root.resolve("node-agent/target/schedext-vm"));
        String command = "sh " + testClasses.resolve("vm/schedext-guest.sh") + " " + classpath + " /run/out";
        Path log = Files.createTempFile("schedext-vm", ".log");
        Process p = new ProcessBuilder(root.resolve("src/test/vm/run.sh").toString(), "-t", String.valueOf(TIMEOUT_S - 60),
                "-o", cache.toString(), "-s", root.toString(), "--", command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        } else {
            exit = p.exitValue();
        }
        console = Files.readString(log);
        Files.deleteIfExists(log);
        System.out.println(console);
        for (String line : console.split("\\R")) {
            if (line.startsWith("CHECK ")) {
                String[] kv = line.substring(6).split(" ", 2);
                checks.put(kv[0], kv.length > 1 ? kv[1].strip() : "");
            }
        }
    }

    /**
     * The agent's cache for the guest (shared writable at /run/out): the SDK and both policies compiled
     * here with the same clang and SDK, so the guest finds them by content hash instead of running clang
     * under emulation (minutes). The policies go in policies/.
     */
    private static Path prepareCache(Path root, Path cache) throws IOException {
        if (Files.exists(cache)) {
            try (var walk = Files.walk(cache)) {
                for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList())
                    Files.delete(f);
            }
        }
        Path policies = Files.createDirectories(cache.resolve("policies"));
        Sdk sdk = Sdk.extract(cache);
        PolicyCompiler compiler = new PolicyCompiler(sdk, new ObjectCache(cache.resolve("objects")));
        for (Path src : List.of(root.resolve("examples/policies/pin_per_worker.c"),
                root.resolve("src/test/resources/thread_unchecked_lookup.c"))) {
            Path copy = Files.copy(src, policies.resolve(src.getFileName()));
            compiler.compile(PolicySource.fromFile(copy), Hook.THREAD);
        }
        return cache;
    }

    private String check(String name) {
        assertThat(checks).as("guest console:\n%s", console).containsKey(name);
        return checks.get(name);
    }

    @Test
    void guestRanToTheEnd() {
        assertThat(exit).as("run.sh exit status; console:\n%s", console).isZero();
        assertThat(check("done")).isEqualTo("yes");
        assertThat(check("backend")).isEqualTo("OK ready sched_ext");
    }

    @Test
    void aPolicyTheVerifierRefusesChangesNothing() {
        assertThat(check("bad_deploy")).matches("ERR verifier \\S*thread_unchecked_lookup\\.c:10 .*invalid mem access.*");
        assertThat(check("state_after_bad")).isEqualTo("disabled");
        assertThat(check("policy_after_bad")).isEqualTo("OK 0");
    }

    @Test
    void theSchedulerLoadsInPartialModeWithTheFirstThreadPolicy() {
        assertThat(check("state_before")).isEqualTo("disabled");
        assertThat(check("deploy")).matches("OK [0-9a-f]+");
        assertThat(check("state_deployed")).isEqualTo("enabled");
        assertThat(check("ops")).isEqualTo(SchedExtScheduler.OPS_NAME);
    }

    @Test
    void onlyTheSelectedCgroupIsSwitched() {
        assertThat(check("policy_app")).isEqualTo("OK 7");
        assertThat(check("ext_app")).isEqualTo("1");
        assertThat(check("policy_other")).isEqualTo("OK 0");
        assertThat(check("ext_other")).isEqualTo("0");
    }

    @Test
    void threadsRunWhereThePolicySays() {
        assertThat(check("a_on_1")).isEqualTo("5/5");
        assertThat(check("b_on_1")).isEqualTo("5/5");
        // by the scheduler, not by affinity: no thread's affinity was narrowed
        assertThat(check("allowed_app")).isEqualTo("0-1");
        assertThat(check("allowed_other")).isEqualTo("0-1");
        String[] stats = check("stats").split(" ");
        assertThat(stats[0] + " " + stats[1]).isEqualTo("OK sched_ext");
        assertThat(Long.parseLong(stats[2])).as("dispatches to a decided CPU").isPositive();
        assertThat(Long.parseLong(stats[3])).as("decisions outside a thread's affinity").isZero();
    }

    @Test
    void removingTheDeploymentReturnsThreadsAndUnloadsTheScheduler() {
        assertThat(check("remove")).isEqualTo("OK");
        assertThat(check("state_removed")).isEqualTo("disabled");
        assertThat(check("policy_removed")).isEqualTo("OK 0");
    }

    @Test
    void killingTheAgentReturnsThreadsToTheFairClass() {
        assertThat(check("redeploy")).matches("OK [0-9a-f]+");
        assertThat(check("state_redeployed")).isEqualTo("enabled");
        assertThat(check("state_after_kill")).isEqualTo("disabled");
        assertThat(check("ext_app_after_kill")).isEqualTo("0");
        assertThat(check("app_runs_after_kill")).isEqualTo("yes");
    }
}
