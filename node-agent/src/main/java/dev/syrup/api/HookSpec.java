package dev.syrup.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Where to attach: see docs/protocol.md (Hook). Absent fields take their defaults. */
public record HookSpec(String hook, Integer port, String protocol, String netns,
                       @JsonProperty("interface") String iface, List<Integer> cpus) {
    public static HookSpec socketSelect(int port, String protocol, String netns) {
        return new HookSpec("socket-select", port, protocol, netns, null, null);
    }

    public static HookSpec xdpCpu(int port, String protocol, String netns, String iface, List<Integer> cpus) {
        return new HookSpec("xdp-cpu", port, protocol, netns, iface, cpus);
    }
}
