package dev.syrup.hook;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Bpffs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What a hook program decided, counted in the kernel: per executor, and how often the policy
 * returned SYRUP_PASS, SYRUP_DROP, or an executor that fell back to the kernel default.
 * Slots as SYRUP_STAT_* in syrup_hook.h.
 */
public record DecisionStats(long[] perExecutor, long pass, long drop, long fallback) {
    /**
     * The counters' map in every hook program: the per-CPU scratch of syrup.h (struct syrup_percpu),
     * whose one value holds the current input's facts and then the counters.
     */
    public static final String MAP = "syrup_meta";
    /** Where a target's counters are pinned in its directory. */
    public static final String PIN = "stats";
    /** Counter slots: one per executor, then pass, drop, fallback. */
    public static final int SLOTS = HookConfig.MAX_EXECUTORS + 3;
    /** Offset of the counters in the value: after struct syrup_pkt_meta (12 bytes), 8-aligned. */
    private static final int COUNTERS_OFFSET = 16;

    /** read sums the counters pinned in a target's directory over CPUs. */
    public static DecisionStats read(Path targetDir, int executors) {
        try (BpfMap map = new BpfMap(Bpf.open(targetDir.resolve(PIN)))) {
            long[] slots = sums(map);
            int base = HookConfig.MAX_EXECUTORS;
            return new DecisionStats(Arrays.copyOf(slots, executors), slots[base], slots[base + 1], slots[base + 2]);
        }
    }

    /**
     * Whether a replacement can share the counters pinned at pin: not those of a program loaded by
     * an earlier version (one u64 per slot, apart from the packet facts). A replacement then counts
     * from zero in its own map, which {@link #repin} puts in their place.
     */
    public static boolean shareable(Path pin) {
        try (BpfMap map = new BpfMap(Bpf.open(pin))) {
            return map.info().maxEntries() != SLOTS;
        }
    }

    /** repin pins a replacement's counters at the target's counters pin (a no-op when they were shared). */
    public static void repin(BpfObject policy, Path targetDir) {
        try (BpfMap map = policy.map(MAP)) {
            Bpffs.replacePin(map.fd(), targetDir.resolve(PIN));
        }
    }

    /** sums reads every counter slot of a hook program's counters' map, summed over CPUs. */
    public static long[] sums(BpfMap map) {
        long[] slots = new long[SLOTS];
        if (map.info().maxEntries() == SLOTS) { // pinned by an earlier version: one u64 per slot
            for (int i = 0; i < SLOTS; i++) {
                slots[i] = map.lookupU64Sum(i);
            }
            return slots;
        }
        int stride = (map.info().valueSize() + 7) & ~7; // the kernel hands out per-CPU values 8-aligned
        byte[] value = map.lookup(BpfMap.u32(0)).orElse(new byte[0]);
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        for (int cpu = 0; cpu + stride <= value.length; cpu += stride) {
            for (int i = 0; i < SLOTS; i++) {
                slots[i] += b.getLong(cpu + COUNTERS_OFFSET + 8 * i);
            }
        }
        return slots;
    }

    public long total() { return Arrays.stream(perExecutor).sum() + pass + drop + fallback; }

    @Override
    public String toString() {
        return "executors=" + Arrays.toString(perExecutor) + " pass=" + pass + " drop=" + drop + " fallback=" + fallback;
    }
}
