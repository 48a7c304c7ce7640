package dev.syrup.hook;

import dev.syrup.error.DomainException;
import dev.syrup.policy.Hook;
import java.util.Objects;

/**
 * Packets for port arriving on interface iface of netns, handed to the AF_XDP sockets of process
 * pid. Executor i is the i-th of those sockets in order of file descriptor number.
 */
public record XdpSocketTarget(NetnsRef netns, String iface, Protocol protocol, int port, int pid)
        implements XdpTarget {
    public XdpSocketTarget {
        Objects.requireNonNull(netns, "netns");
        Objects.requireNonNull(iface, "iface");
        Objects.requireNonNull(protocol, "protocol");
        HookTarget.checkPort(port);
        if (pid < 1) {
            throw DomainException.invalid("xdp-socket needs the pid of the process holding the AF_XDP sockets, got " + pid);
        }
    }

    @Override
    public Hook hook() { return Hook.XDP_SOCKET; }

    @Override
    public String key() { return "xdp-socket-" + iface + "-" + protocol + "-" + port; }
}
