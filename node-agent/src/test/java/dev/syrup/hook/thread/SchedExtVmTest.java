package dev.syrup.hook.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
        Path classes = root.resolve("node-agent/target/classes");
        Path testClasses = root.resolve("node-agent/target/test-classes");
        String command = "sh " + testClasses.resolve("vm/schedext-guest.sh") + " " + classes + ":" + testClasses;
        Path log = Files.createTempFile("schedext-vm", ".log");
        Process p = new ProcessBuilder(root.resolve("src/test/vm/run.sh").toString(), "-t", String.valueOf(TIMEOUT_S - 60),
                "--", command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
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

    private String check(String name) {
        assertThat(checks).as("guest console:\n%s", console).containsKey(name);
        return checks.get(name);
    }

    @Test
    void guestRanToTheEnd() {
        assertThat(exit).as("run.sh exit status; console:\n%s", console).isZero();
        assertThat(check("done")).isEqualTo("yes");
    }

    @Test
    void schedulerLoadsInPartialMode() {
        assertThat(check("state_before")).isEqualTo("disabled");
        assertThat(check("start")).isEqualTo("OK started");
        assertThat(check("state_started")).isEqualTo("enabled");
        assertThat(check("ops")).isEqualTo(SchedExtScheduler.OPS_NAME);
    }

    @Test
    void onlyTheSelectedCgroupIsSwitched() {
        // the two workers, and the short-lived sleep processes they fork if one was alive then
        assertThat(check("switched")).startsWith("OK ");
        assertThat(Integer.parseInt(check("switched").substring(3))).isGreaterThanOrEqualTo(2);
        assertThat(check("policy_app")).isEqualTo("OK 7");
        assertThat(check("ext_app")).isEqualTo("1");
        assertThat(check("policy_other")).isEqualTo("OK 0");
        assertThat(check("ext_other")).isEqualTo("0");
    }

    @Test
    void threadsRunWhereTheDecisionsSay() {
        assertThat(check("a_on_0")).isEqualTo("5/5");
        assertThat(check("b_on_1")).isEqualTo("5/5");
        // decisions changed: the threads follow
        assertThat(check("a_on_1")).isEqualTo("5/5");
        assertThat(check("b_on_0")).isEqualTo("5/5");
        // by the scheduler, not by affinity: no thread's affinity was narrowed
        assertThat(check("allowed_app")).isEqualTo("0-1");
        assertThat(check("allowed_other")).isEqualTo("0-1");
        String[] stats = check("stats").split(" ");
        assertThat(stats[0]).isEqualTo("OK");
        assertThat(Long.parseLong(stats[1])).as("dispatches to a decided CPU").isPositive();
        assertThat(Long.parseLong(stats[3])).as("decisions outside a thread's affinity").isZero();
    }

    @Test
    void aSecondSchedulerIsRefusedAndTheFirstKeepsRunning() {
        assertThat(check("second_start")).startsWith("ERR another sched_ext scheduler is loaded (syrup");
        assertThat(check("state_after_second")).isEqualTo("enabled syrup");
    }

    @Test
    void killingTheAgentReturnsThreadsToTheFairClass() {
        assertThat(check("state_after_kill")).isEqualTo("disabled");
        assertThat(check("ext_app_after_kill")).isEqualTo("0");
        assertThat(check("app_runs_after_kill")).isEqualTo("yes");
    }
}
