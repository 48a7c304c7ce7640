package dev.syrup.policy;

import dev.syrup.error.DomainException;
import java.util.Arrays;

/** A place in the stack where a policy can be deployed. Ids match SYRUP_HOOK_* in syrup_hook.h. */
public enum Hook {
    /** sk_reuseport: picks which of the application's SO_REUSEPORT sockets receives the input. */
    SOCKET_SELECT("socket-select", 1, "socket_select.bpf.c", "syrup_socket_select", null),
    /** XDP: picks the CPU that processes the packet, through a CPUMAP. */
    XDP_CPU("xdp-cpu", 2, "xdp_cpu.bpf.c", "syrup_xdp_cpu", "dispatch_xdp.bpf.o"),
    /** Scheduler tracepoints: picks the CPU each thread of the application's cgroup runs on. */
    THREAD("thread", 3, "thread_policy.bpf.c", "syrup_thread_switch", null),
    /** XDP: picks which of the application's AF_XDP sockets receives the packet, through an XSKMAP. */
    XDP_SOCKET("xdp-socket", 4, "xdp_socket.bpf.c", "syrup_xdp_socket", "dispatch_xdp.bpf.o");

    private final String cliName;
    private final int id;
    private final String wrapperSource;
    private final String programName;
    private final String dispatcherObject;

    Hook(String cliName, int id, String wrapperSource, String programName, String dispatcherObject) {
        this.cliName = cliName;
        this.id = id;
        this.wrapperSource = wrapperSource;
        this.programName = programName;
        this.dispatcherObject = dispatcherObject;
    }

    /** The name users write: socket-select, xdp-cpu, thread, xdp-socket. */
    public String cliName() { return cliName; }

    public int id() { return id; }

    /** The hook program in native/bpf that includes the user's policy. */
    public String wrapperSource() { return wrapperSource; }

    /** Name of the BPF program (function) in the wrapper that the hook runs. */
    public String programName() { return programName; }

    /** The prebuilt root dispatcher object for this hook, null if it has none. */
    public String dispatcherObject() { return dispatcherObject; }

    /** Whether the hook's policy runs at XDP, on the interface's root dispatcher. */
    public boolean isXdp() { return this == XDP_CPU || this == XDP_SOCKET; }

    /** Whether the hook runs a policy's schedule() on packets (else schedule_thread() on threads). */
    public boolean isNetwork() { return this != THREAD; }

    public static Hook fromCliName(String name) {
        return Arrays.stream(values()).filter(h -> h.cliName.equals(name)).findFirst()
                .orElseThrow(() -> DomainException.invalid("unknown hook '" + name + "' (expected one of "
                        + Arrays.stream(values()).map(Hook::cliName).toList() + ")"));
    }

    @Override
    public String toString() { return cliName; }
}
