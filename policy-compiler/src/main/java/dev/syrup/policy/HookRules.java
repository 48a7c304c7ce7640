package dev.syrup.policy;


import dev.syrup.policy.elf.BpfHelpers;
import dev.syrup.policy.elf.MapDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the SDK's object of each hook consists of: its programs (section -> function), the wrapper's
 * own maps (as native/bpf defines them), the helpers a policy may call there, and, at the thread
 * hook, the helpers the wrapper's own programs need.
 *
 * @param programs       program section -> the wrapper's function in it
 * @param wrapperMaps    the wrapper's maps by name
 * @param policyHelpers  helper ids a policy's code may call
 * @param wrapperHelpers helper ids the wrapper's own programs may call (thread hook only: there the
 *                       policy is a subprogram of its own, checked apart from them; at the network hooks
 *                       the policy is inlined into the program, which is checked as policy code)
 * @param policyMapsOfWrapper wrapper maps the policy's code may use (thread hook; at the network hooks
 *                       the policy's code cannot be told apart from the wrapper's)
 */
public record HookRules(Hook hook, Map<String, String> programs, Map<String, MapDefinition> wrapperMaps,
                        Set<Integer> policyHelpers, Set<Integer> wrapperHelpers, Set<String> policyMapsOfWrapper) {
    /** Helpers every hook allows a policy: map operations, time, randomness, the CPU and NUMA node it runs on. */
    static final List<String> COMMON_HELPERS = List.of(
            "map_lookup_elem", "map_update_elem", "map_delete_elem", "ktime_get_ns", "ktime_get_boot_ns",
            "ktime_get_coarse_ns", "get_prandom_u32", "get_smp_processor_id", "get_numa_node_id");

    /** Maps of syrup.h and syrup_hook.h that every hook's object has. */
    private static final Map<String, MapDefinition> SDK_MAPS = maps(
            // struct syrup_percpu: the packet facts (12 bytes, then padding) and 67 decision counters
            map("syrup_meta", MapDefinition.PERCPU_ARRAY, 4, 16 + 8 * 67, 1));

    public static HookRules of(Hook hook) {
        return switch (hook) {
            // Every map of a network hook's object is the deployment's own (created per hook target, or
            // per deployment for the policy's maps), so the policy may use them: the worst it can do is
            // count its own decisions wrongly (syrup_meta) or pick among its own sockets or CPUs
            // (syrup_socks, syrup_cpumap, syrup_xsks, which hold only the deployment's executors) or miscount them
            // (syrup_live).
            case SOCKET_SELECT -> new HookRules(hook, Map.of("sk_reuseport", "syrup_socket_select"),
                    with(SDK_MAPS, map("syrup_socks", MapDefinition.REUSEPORT_SOCKARRAY, 4, 8, 64),
                            map("syrup_live", MapDefinition.ARRAY, 4, 4, 1)),
                    helpers("sk_select_reuseport"), Set.of(), Set.of());
            case XDP_CPU -> new HookRules(hook, Map.of("xdp", "syrup_xdp_cpu", "xdp/cpumap", "syrup_xdp_on_cpu"),
                    with(SDK_MAPS, map("syrup_cpumap", MapDefinition.CPUMAP, 4, 8, 256),
                            map("syrup_on_cpu", MapDefinition.PERCPU_ARRAY, 4, 8, 1)),
                    helpers("redirect_map"), Set.of(), Set.of());
            // syrup_xsks holds only the deployment's own AF_XDP sockets: a policy redirecting through it
            // itself can reach nothing the hook would not.
            case XDP_SOCKET -> new HookRules(hook, Map.of("xdp", "syrup_xdp_socket"),
                    with(SDK_MAPS, map("syrup_xsks", MapDefinition.XSKMAP, 4, 4, 64)),
                    helpers("redirect_map"), Set.of(), Set.of());
            // The thread hook's programs read kernel memory (the task's cgroup), publish on a ring buffer
            // and write syrup_thread_cpu, which every thread deployment of the node shares: the policy's
            // subprogram may do none of that, and may use of the wrapper's maps only the per-CPU scratch
            // syrup.h's functions read (packet facts, empty at this hook; the worst it can do there is
            // count its own decisions wrongly).
            case THREAD -> new HookRules(hook, Map.of(
                            "tp_btf/sched_switch", "syrup_thread_switch",
                            "tp_btf/sched_wakeup", "syrup_thread_wakeup",
                            "tp_btf/sched_wakeup_new", "syrup_thread_wakeup_new",
                            "tp_btf/sched_process_exit", "syrup_thread_exit"),
                    with(SDK_MAPS, map("syrup_thread_filter", MapDefinition.ARRAY, 4, 16, 1),
                            map("syrup_thread_tids", MapDefinition.HASH, 4, 4, 4096),
                            map("syrup_thread_cpu", MapDefinition.HASH, 4, 4, 65536),
                            map("syrup_thread_events", MapDefinition.RINGBUF, 0, 0, 256 * 1024)),
                    helpers(), ids("map_lookup_elem", "map_update_elem", "map_delete_elem", "ktime_get_ns",
                            "get_smp_processor_id", "probe_read_kernel", "ringbuf_reserve", "ringbuf_submit"),
                    Set.of("syrup_meta"));
        };
    }

    /** Whether the policy is a subprogram of its own (in .text), apart from the wrapper's programs. */
    public boolean policyIsSubprogram() { return hook == Hook.THREAD; }

    /** The allowed helpers' names, for messages. */
    public String policyHelperNames() {
        return policyHelpers.stream().sorted().map(BpfHelpers::name).collect(Collectors.joining(", "));
    }

    private static Set<Integer> helpers(String... hookOwn) {
        Set<Integer> all = new TreeSet<>(ids(COMMON_HELPERS.toArray(String[]::new)));
        all.addAll(ids(hookOwn));
        return Set.copyOf(all);
    }

    private static Set<Integer> ids(String... names) {
        return java.util.Arrays.stream(names).map(BpfHelpers::id).collect(Collectors.toUnmodifiableSet());
    }

    private static MapDefinition map(String name, int type, long key, long value, long entries) {
        return new MapDefinition(name, type, key, value, entries, 0, false, List.of(), List.of());
    }

    private static Map<String, MapDefinition> maps(MapDefinition... defs) {
        Map<String, MapDefinition> out = new LinkedHashMap<>();
        for (MapDefinition d : defs)
            out.put(d.name(), d);
        return Map.copyOf(out);
    }

    private static Map<String, MapDefinition> with(Map<String, MapDefinition> base, MapDefinition... more) {
        Map<String, MapDefinition> out = new LinkedHashMap<>(base);
        for (MapDefinition d : more)
            out.put(d.name(), d);
        return Map.copyOf(out);
    }
}
