package dev.syrup.hook;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What a hook program decided, counted in the kernel: per executor, and how often the policy
 * returned SYRUP_PASS, SYRUP_DROP, or an executor that fell back to the kernel default.
 * Slots as SYRUP_STAT_* in syrup_hook.h.
 */
public record DecisionStats(long[] perExecutor, long pass, long drop, long fallback) {
    /** The counters' map in every hook program (a per-CPU array). */
    public static final String MAP = "syrup_stats";
    /** Where a target's counters are pinned in its directory. */
    public static final String PIN = "stats";

    /** read sums the counters pinned in a target's directory over CPUs. */
    public static DecisionStats read(Path targetDir, int executors) {
        try (BpfMap map = new BpfMap(Bpf.open(targetDir.resolve(PIN)))) {
            long[] perExecutor = new long[executors];
            for (int i = 0; i < executors; i++) {
                perExecutor[i] = map.lookupU64Sum(i);
            }
            int base = HookConfig.MAX_EXECUTORS;
            return new DecisionStats(perExecutor, map.lookupU64Sum(base), map.lookupU64Sum(base + 1),
                    map.lookupU64Sum(base + 2));
        }
    }

    public long total() { return Arrays.stream(perExecutor).sum() + pass + drop + fallback; }

    @Override
    public String toString() {
        return "executors=" + Arrays.toString(perExecutor) + " pass=" + pass + " drop=" + drop + " fallback=" + fallback;
    }
}
