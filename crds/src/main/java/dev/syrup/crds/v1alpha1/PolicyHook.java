package dev.syrup.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.List;
import java.util.Objects;

/** One place a policy is deployed at in each selected pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.type == 'thread' || has(self.port)",
        message = "port is required for socket-select, xdp-cpu and xdp-socket hooks")
@ValidationRule(value = "self.type != 'thread' || !has(self.port)", message = "a thread hook has no port")
@ValidationRule(value = "self.type == 'xdp-cpu' || self.type == 'xdp-socket' || !has(self.interface)",
        message = "interface is only for xdp-cpu and xdp-socket hooks")
@ValidationRule(value = "self.type == 'socket-select' || self.type == 'xdp-socket' || !has(self.executors)",
        message = "executors is only for socket-select and xdp-socket hooks; xdp-cpu and thread hooks take cpus")
@ValidationRule(value = "self.type != 'xdp-socket' || !has(self.cpus)",
        message = "an xdp-socket hook takes no cpus: its executors are the pod's AF_XDP sockets")
@ValidationRule(value = "!has(self.interface) || (self.interface != '.' && self.interface != '..')",
        message = "interface must be a network interface name, not . or ..")
public class PolicyHook {
    /** One more than the highest CPU number a hook may name (the kernel's largest NR_CPUS). */
    public static final int MAX_CPU_ID = 8192;

    @JsonPropertyDescription("socket-select (SO_REUSEPORT socket of the pod's server), xdp-cpu (CPU that processes the packet), "
            + "xdp-socket (AF_XDP socket of the pod's application that receives the packet) or thread (CPU a thread of the pod runs on).")
    @Required
    private HookType type;

    @JsonPropertyDescription("The pod's port the policy schedules (network hooks).")
    @Min(1)
    @Max(65535)
    private Integer port;

    @JsonPropertyDescription("Transport protocol of the port (network hooks); UDP when unset.")
    private TransportProtocol protocol;

    @JsonPropertyDescription("The pod's network interface (xdp-cpu, xdp-socket); eth0 when unset.")
    @Pattern("^[a-zA-Z0-9_.:-]{1,15}$")
    @Size(max = 15)
    @com.fasterxml.jackson.annotation.JsonProperty("interface")
    private String iface;

    @JsonPropertyDescription("How many SO_REUSEPORT sockets (socket-select) or AF_XDP sockets (xdp-socket) the pod's server "
            + "opens; the deployment waits for that many.")
    @Min(1)
    @Max(64)
    private Integer executors;

    @JsonPropertyDescription("The CPUs executor i maps to (xdp-cpu, thread); all CPUs the pod may use when unset.")
    @Size(max = 64)
    @ValidationRule(value = "self.all(c, c >= 0 && c < " + PolicyHook.MAX_CPU_ID + ")",
            message = "cpus are CPU numbers from 0 to " + (PolicyHook.MAX_CPU_ID - 1))
    private List<Integer> cpus;

    public PolicyHook() {}

    public PolicyHook(HookType type, Integer port) {
        this.type = type;
        this.port = port;
    }

    public HookType getType() { return type; }
    public void setType(HookType type) { this.type = type; }
    public Integer getPort() { return port; }
    public void setPort(Integer port) { this.port = port; }
    public TransportProtocol getProtocol() { return protocol; }
    public void setProtocol(TransportProtocol protocol) { this.protocol = protocol; }
    public String getInterface() { return iface; }
    public void setInterface(String iface) { this.iface = iface; }
    public Integer getExecutors() { return executors; }
    public void setExecutors(Integer executors) { this.executors = executors; }
    public List<Integer> getCpus() { return cpus; }
    public void setCpus(List<Integer> cpus) { this.cpus = cpus; }

    /** The protocol, UDP when unset. */
    public TransportProtocol protocolOrDefault() { return protocol == null ? TransportProtocol.UDP : protocol; }

    /** The interface, eth0 when unset. */
    public String interfaceOrDefault() { return iface == null ? "eth0" : iface; }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyHook h && type == h.type && Objects.equals(port, h.port) && protocol == h.protocol
                && Objects.equals(iface, h.iface) && Objects.equals(executors, h.executors) && Objects.equals(cpus, h.cpus);
    }

    @Override
    public int hashCode() { return Objects.hash(type, port, protocol, iface, executors, cpus); }

    @Override
    public String toString() {
        return type.cliName() + (port == null ? "" : " " + protocolOrDefault().name().toLowerCase() + "/" + port);
    }
}
