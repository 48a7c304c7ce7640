package dev.syrup.hook.thread;

import dev.syrup.bpf.Netns;
import dev.syrup.bpf.Sched;
import dev.syrup.deploy.Deployer;
import dev.syrup.hook.PinLayout;
import dev.syrup.hook.ThreadTarget;
import dev.syrup.policy.ObjectCache;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.Sdk;
import dev.syrup.policy.VerificationException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The agent side of the sched_ext VM test, run in the guest: syrupd's deployer with the thread backend
 * the agent picks on this kernel, driven one command per line on stdin by vm/schedext-guest.sh (which
 * plays the application and observes the threads). Answers are numbered "R1 OK ...", "R2 ERR ...",
 * the greeting being R0.
 *
 *   deploy POLICY.c CGROUP CPU[,CPU...]   deploy a thread policy for a cgroup; answers its id
 *   remove ID                             remove a deployment
 *   policy TID                            a thread's scheduling policy (0 SCHED_OTHER, 7 SCHED_EXT)
 *   stats ID                              the backend's counters for a deployment
 */
public final class SchedExtGuestAgent {
    public static void main(String[] args) throws Exception {
        Path cache = Path.of(args.length > 0 ? args[0] : "/tmp/syrup-cache");
        Sdk sdk = Sdk.extract(cache);
        PinLayout layout = new PinLayout(PinLayout.DEFAULT_ROOT);
        ThreadBackend backend = ThreadBackends.detect(sdk.schedulerObject(), layout, cache.resolve("threads"), m -> {});
        Deployer deployer = new Deployer(layout, new PolicyCompiler(sdk, new ObjectCache(cache.resolve("objects"))),
                sdk, Netns.XDP_MODE_AUTO, backend);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        System.out.println("R0 OK ready " + backend.name());
        int n = 0;
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.strip().split("\\s+");
            String answer;
            try {
                answer = switch (w[0]) {
                    case "deploy" -> {
                        List<Integer> cpus = Arrays.stream(w[3].split(",")).map(Integer::valueOf).toList();
                        ThreadTarget target = new ThreadTarget(Cgroups.of(w[2]), cpus);
                        yield "OK " + deployer.deploy(PolicySource.fromFile(Path.of(w[1])), List.of(target)).id();
                    }
                    case "remove" -> {
                        deployer.remove(w[1]);
                        yield "OK";
                    }
                    case "policy" -> "OK " + Sched.policy(Integer.parseInt(w[1]));
                    case "stats" -> {
                        ThreadStats s = deployer.threadStats(w[1]);
                        yield "OK " + s.backend() + " " + s.moved() + " " + s.skipped() + " " + s.threads();
                    }
                    default -> "ERR unknown command " + w[0];
                };
            } catch (VerificationException e) {
                answer = "ERR verifier " + e.file() + ":" + e.line() + " " + oneLine(e.getMessage());
            } catch (RuntimeException e) {
                answer = "ERR " + e.getClass().getSimpleName() + " " + oneLine(e.getMessage());
            }
            System.out.println("R" + ++n + " " + answer); // one write: libbpf's messages cannot split it
            System.out.flush();
        }
    }

    private static String oneLine(String s) {
        String first = String.valueOf(s).lines().findFirst().orElse("");
        return first.length() > 300 ? first.substring(0, 300) : first;
    }
}
