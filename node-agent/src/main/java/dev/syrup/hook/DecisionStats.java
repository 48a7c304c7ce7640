package dev.syrup.hook;

import java.util.Arrays;

/**
 * What a hook program decided, counted in the kernel: per executor, and how often the policy
 * returned SYRUP_PASS, SYRUP_DROP, or an executor that fell back to the kernel default.
 * Slots as SYRUP_STAT_* in syrup_hook.h.
 */
public record DecisionStats(long[] perExecutor, long pass, long drop, long fallback) {
    public long total() { return Arrays.stream(perExecutor).sum() + pass + drop + fallback; }

    @Override
    public String toString() {
        return "executors=" + Arrays.toString(perExecutor) + " pass=" + pass + " drop=" + drop + " fallback=" + fallback;
    }
}
