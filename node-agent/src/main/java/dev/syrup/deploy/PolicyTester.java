package dev.syrup.deploy;

import dev.syrup.hook.PinLayout;
import dev.syrup.bpf.Bpffs;
import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import dev.syrup.hook.DecisionStats;
import dev.syrup.policy.Hook;
import dev.syrup.hook.HookConfig;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.PolicySource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a policy without attaching it: the real xdp-cpu hook program, loaded with BPF_PROG_TEST_RUN
 * on crafted UDP packets. sk_reuseport programs cannot be test-run, and the policy code is the
 * same at every hook. The decision for a packet is read from the hook's decision counters.
 */
public final class PolicyTester {
    /** Decision values as in syrup.h. */
    public static final long PASS = 0xffffffffL;
    public static final long DROP = 0xfffffffeL;
    /** The executor was out of range: the hook falls back to the kernel default. */
    public static final long FALLBACK = -1;

    private final PolicyCompiler compiler;
    private final PinLayout layout;

    public PolicyTester(PolicyCompiler compiler, PinLayout layout) {
        this.compiler = compiler;
        this.layout = layout;
    }

    /** What the policy decided for one payload. decision is an executor, PASS, DROP or FALLBACK. */
    public record Result(long decision, long durationNs) {
        public String describe() {
            return decision == PASS ? "PASS" : decision == DROP ? "DROP"
                    : decision == FALLBACK ? "FALLBACK (executor out of range: kernel default)" : "executor " + decision;
        }
    }

    /** run tests each payload in order, as if it arrived on dstPort from srcPort, with executors executors. */
    public List<Result> run(PolicySource policy, int executors, int srcPort, int dstPort, List<byte[]> payloads) {
        Path scratch = scratchPinDir();
        try (BpfObject obj = load(policy, executors, scratch);
             Fd prog = obj.program(Hook.XDP_CPU.programName());
             BpfMap stats = obj.map(DecisionStats.MAP)) {
            List<Result> results = new ArrayList<>();
            for (byte[] payload : payloads) {
                long[] before = DecisionStats.sums(stats);
                Bpf.TestRunResult r = Bpf.testRun(prog, TestPacket.udp(srcPort, dstPort, payload), 1);
                long[] after = DecisionStats.sums(stats);
                results.add(new Result(decision(before, after), r.durationNs()));
            }
            return results;
        } finally {
            Bpffs.removeTree(scratch);
        }
    }

    private BpfObject load(PolicySource policy, int executors, Path pinRoot) {
        Path object = compiler.compile(policy, Hook.XDP_CPU);
        HookConfig config = HookConfig.forOffline(Hook.XDP_CPU, executors);
        return PolicyLoader.load(object, policy, config, pinRoot, Map.of(), compiler.inspector());
    }

    private static long decision(long[] before, long[] after) {
        int base = HookConfig.MAX_EXECUTORS;
        for (int i = 0; i < after.length; i++) {
            if (after[i] != before[i]) {
                return i < base ? i : i == base ? PASS : i == base + 1 ? DROP : FALLBACK;
            }
        }
        throw new IllegalStateException("the hook program counted no decision (the packet was not parsed)");
    }

    /** Maps the policy declares are pinned by name; a test run gets private, throwaway ones. */
    private Path scratchPinDir() { return Bpffs.scratchDir(layout.root().resolve("test-runs")); }
}
