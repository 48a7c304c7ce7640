package dev.syrup.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Where to attach: see docs/protocol.md (Hook). Absent fields take their defaults. */
public record HookSpec(String hook, Integer port, String protocol, String netns,
                       @JsonProperty("interface") String iface, List<Integer> cpus, Integer pid, String cgroup,
                       String threads, Integer sockets) {
    /** The thread hook schedules every thread of its cgroup. */
    public static final String ALL_THREADS = "all";
    /** The thread hook schedules only the threads the application registers (thread.register). */
    public static final String REGISTERED_THREADS = "registered";

    /** A spec without "sockets" (every hook but an xdp-socket hook of registered sockets). */
    public HookSpec(String hook, Integer port, String protocol, String netns, String iface, List<Integer> cpus,
                    Integer pid, String cgroup, String threads) {
        this(hook, port, protocol, netns, iface, cpus, pid, cgroup, threads, null);
    }

    /** A network hook's spec. */
    public HookSpec(String hook, Integer port, String protocol, String netns, String iface, List<Integer> cpus) {
        this(hook, port, protocol, netns, iface, cpus, null, null, null);
    }

    public static HookSpec socketSelect(int port, String protocol, String netns) {
        return new HookSpec("socket-select", port, protocol, netns, null, null);
    }

    public static HookSpec xdpCpu(int port, String protocol, String netns, String iface, List<Integer> cpus) {
        return new HookSpec("xdp-cpu", port, protocol, netns, iface, cpus);
    }

    /** xdp-socket: the packets for port on iface go to the AF_XDP sockets of process pid. */
    public static HookSpec xdpSocket(int port, String protocol, String netns, String iface, int pid) {
        return new HookSpec("xdp-socket", port, protocol, netns, iface, null, pid, null, null);
    }

    /**
     * xdp-socket with sockets to come: the application registers its AF_XDP sockets itself
     * (xsk.register), at most {@code sockets} of them, the number of executors the policy sees.
     */
    public static HookSpec xdpRegisteredSockets(int port, String protocol, String netns, String iface, int sockets) {
        return new HookSpec("xdp-socket", port, protocol, netns, iface, null, null, null, null, sockets);
    }

    /**
     * The thread hook for the threads of process pid's cgroup, or of cgroup (a path below the cgroup
     * v2 root, or under its mount point); cpus null: the CPUs the application may run on.
     */
    public static HookSpec thread(Integer pid, String cgroup, List<Integer> cpus) {
        return new HookSpec("thread", null, null, null, null, cpus, pid, cgroup, null);
    }

    /**
     * The thread hook for only the threads the application registers (thread.register) among those
     * of process pid's cgroup, or of cgroup.
     */
    public static HookSpec registeredThreads(Integer pid, String cgroup, List<Integer> cpus) {
        return new HookSpec("thread", null, null, null, null, cpus, pid, cgroup, REGISTERED_THREADS);
    }
}
