package dev.syrup.hook.thread;

import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.Sched;
import dev.syrup.policy.Sdk;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

/**
 * The agent side of the sched_ext VM test, run in the guest: the real scheduler and thread-switching
 * code, driven one command per line on stdin (answers "OK ..." or "ERR ..." on stdout) by
 * vm/schedext-guest.sh (answers are numbered "R1 OK ...", "R2 ...", the greeting being R0), which plays the application and observes the threads.
 *
 *   start PIN_ROOT        load and register the scheduler (decision map pinned under PIN_ROOT)
 *   switch CGROUP_DIR     set the cgroup's threads to SCHED_EXT
 *   decide TID CPU        publish a decision, as a thread policy does
 *   policy TID            the thread's scheduling policy
 *   stats                 the scheduler's dispatch counters
 *   restore CGROUP_DIR    return the cgroup's threads to SCHED_OTHER
 *   stop                  unregister the scheduler
 */
public final class SchedExtGuestAgent {
    public static void main(String[] args) throws Exception {
        Sdk sdk = Sdk.extract(Path.of(args.length > 0 ? args[0] : "/tmp/syrup-cache"));
        SchedExtScheduler scheduler = null;
        BpfMap decisions = null;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        System.out.println("R0 OK ready");
        int n = 0;
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.strip().split("\\s+");
            String answer;
            try {
                switch (w[0]) {
                    case "start" -> {
                        scheduler = SchedExtScheduler.start(sdk.schedulerObject(), Path.of(w[1], "threads", "thread_cpu"));
                        decisions = scheduler.decisions();
                        answer = "OK started";
                    }
                    case "switch" -> answer = "OK " + SchedExtThreads.switchToExt(Path.of(w[1])).size();
                    case "decide" -> {
                        decisions.updateU32(Integer.parseInt(w[1]), Integer.parseInt(w[2]));
                        answer = "OK";
                    }
                    case "policy" -> answer = "OK " + Sched.policy(Integer.parseInt(w[1]));
                    case "stats" -> {
                        SchedExtScheduler.Stats s = scheduler.stats();
                        answer = "OK " + s.onDecidedCpu() + " " + s.global() + " " + s.notAllowed();
                    }
                    case "restore" -> answer = "OK " + SchedExtThreads.restore(SchedExtThreads.threadsOf(Path.of(w[1])));
                    case "stop" -> {
                        scheduler.close();
                        scheduler = null;
                        answer = "OK stopped";
                    }
                    default -> answer = "ERR unknown command " + w[0];
                }
            } catch (RuntimeException e) {
                answer = "ERR " + String.valueOf(e.getMessage()).replace('\n', ' ');
            }
            System.out.println("R" + ++n + " " + answer); // one write: libbpf's messages cannot split it
            System.out.flush();
        }
    }
}
