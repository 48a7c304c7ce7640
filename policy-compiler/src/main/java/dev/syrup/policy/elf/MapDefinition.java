package dev.syrup.policy.elf;

import java.util.List;

/**
 * A BTF-defined map of an object's ".maps" section.
 *
 * @param type          BPF_MAP_TYPE_* number
 * @param pinning       whether the definition carries a pinning attribute (whatever its value)
 * @param otherNumbers  __uint attributes besides type, max_entries, map_flags, pinning (key_size,
 *                      value_size excepted), e.g. numa_node or map_extra
 * @param otherMembers  members that are not numbers or key/value types, e.g. "values" of a map-in-map
 */
public record MapDefinition(String name, long type, long keySize, long valueSize, long maxEntries, long flags,
                            boolean pinning, List<String> otherNumbers, List<String> otherMembers) {
    public static final int HASH = 1, ARRAY = 2, PROG_ARRAY = 3, PERF_EVENT_ARRAY = 4, PERCPU_HASH = 5,
            PERCPU_ARRAY = 6, ARRAY_OF_MAPS = 12, HASH_OF_MAPS = 13, CPUMAP = 16, XSKMAP = 17, REUSEPORT_SOCKARRAY = 20,
            RINGBUF = 27;
    public static final long F_MMAPABLE = 1 << 10;

    /** Whether two definitions describe the same map (names aside). */
    public boolean sameShape(MapDefinition o) {
        return type == o.type && keySize == o.keySize && valueSize == o.valueSize && maxEntries == o.maxEntries
                && flags == o.flags && pinning == o.pinning && otherNumbers.equals(o.otherNumbers)
                && otherMembers.equals(o.otherMembers);
    }

    public boolean perCpu() { return type == PERCPU_ARRAY || type == PERCPU_HASH; }

    /** BPF_MAP_TYPE_* as the kernel names it, for messages. */
    public String typeName() {
        return switch ((int) type) {
            case HASH -> "hash";
            case ARRAY -> "array";
            case PROG_ARRAY -> "prog_array";
            case PERF_EVENT_ARRAY -> "perf_event_array";
            case PERCPU_HASH -> "percpu_hash";
            case PERCPU_ARRAY -> "percpu_array";
            case 7 -> "stack_trace";
            case 8 -> "cgroup_array";
            case 9 -> "lru_hash";
            case 10 -> "lru_percpu_hash";
            case 11 -> "lpm_trie";
            case ARRAY_OF_MAPS -> "array_of_maps";
            case HASH_OF_MAPS -> "hash_of_maps";
            case 14 -> "devmap";
            case 15 -> "sockmap";
            case CPUMAP -> "cpumap";
            case XSKMAP -> "xskmap";
            case 18 -> "sockhash";
            case 19 -> "cgroup_storage";
            case REUSEPORT_SOCKARRAY -> "reuseport_sockarray";
            case 21 -> "percpu_cgroup_storage";
            case 22 -> "queue";
            case 23 -> "stack";
            case 24 -> "sk_storage";
            case 25 -> "devmap_hash";
            case 26 -> "struct_ops";
            case RINGBUF -> "ringbuf";
            case 28 -> "inode_storage";
            case 29 -> "task_storage";
            case 30 -> "bloom_filter";
            case 31 -> "user_ringbuf";
            case 32 -> "cgrp_storage";
            case 33 -> "arena";
            default -> "type " + type;
        };
    }
}
