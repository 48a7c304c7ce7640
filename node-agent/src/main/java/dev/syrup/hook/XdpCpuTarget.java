package dev.syrup.hook;

import dev.syrup.policy.Hook;
import dev.syrup.error.DomainException;
import java.util.List;
import java.util.Objects;

/**
 * Packets for port arriving on interface iface of netns. Executor i is CPU cpus[i]; an empty list
 * means every possible CPU.
 */
public record XdpCpuTarget(NetnsRef netns, String iface, Protocol protocol, int port, List<Integer> cpus)
        implements XdpTarget {
    public XdpCpuTarget {
        Objects.requireNonNull(netns, "netns");
        Objects.requireNonNull(iface, "iface");
        Objects.requireNonNull(protocol, "protocol");
        HookTarget.checkPort(port);
        cpus = List.copyOf(cpus);
        if (cpus.stream().distinct().count() != cpus.size()) {
            throw DomainException.invalid("CPU list " + cpus + " has duplicates");
        }
    }

    @Override
    public Hook hook() { return Hook.XDP_CPU; }

    @Override
    public String key() { return "xdp-cpu-" + iface + "-" + protocol + "-" + port; }
}
