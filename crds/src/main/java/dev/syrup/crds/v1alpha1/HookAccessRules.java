package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Per hook type, which namespaces may use it; null: the hook type's default. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HookAccessRules {
    @JsonProperty("socket-select")
    @JsonPropertyDescription("Default: every namespace.")
    private HookAccess socketSelect;

    @JsonProperty("xdp-cpu")
    @JsonPropertyDescription("Default: no namespace (steers every packet of the pod's interface to node CPUs).")
    private HookAccess xdpCpu;

    @JsonProperty("xdp-socket")
    @JsonPropertyDescription("Default: no namespace (attaches XDP to the pod's interface and hands its packets to the pod's AF_XDP sockets).")
    private HookAccess xdpSocket;

    @JsonPropertyDescription("Default: no namespace (places the pod's threads on node CPUs).")
    private HookAccess thread;

    public HookAccessRules() {}

    public HookAccessRules(HookAccess socketSelect, HookAccess xdpCpu, HookAccess thread) {
        this(socketSelect, xdpCpu, null, thread);
    }

    public HookAccessRules(HookAccess socketSelect, HookAccess xdpCpu, HookAccess xdpSocket, HookAccess thread) {
        this.socketSelect = socketSelect;
        this.xdpCpu = xdpCpu;
        this.xdpSocket = xdpSocket;
        this.thread = thread;
    }

    public HookAccess getSocketSelect() { return socketSelect; }
    public void setSocketSelect(HookAccess socketSelect) { this.socketSelect = socketSelect; }
    public HookAccess getXdpCpu() { return xdpCpu; }
    public void setXdpCpu(HookAccess xdpCpu) { this.xdpCpu = xdpCpu; }
    public HookAccess getXdpSocket() { return xdpSocket; }
    public void setXdpSocket(HookAccess xdpSocket) { this.xdpSocket = xdpSocket; }
    public HookAccess getThread() { return thread; }
    public void setThread(HookAccess thread) { this.thread = thread; }

    /** The rule for that hook type, or null when the object leaves it to the default. */
    public HookAccess forHook(HookType type) {
        return switch (type) {
            case SOCKET_SELECT -> socketSelect;
            case XDP_CPU -> xdpCpu;
            case XDP_SOCKET -> xdpSocket;
            case THREAD -> thread;
        };
    }
}
