package dev.syrup.hook;

import dev.syrup.error.DomainException;
import dev.syrup.policy.Hook;
import java.util.Objects;

/**
 * Packets for port arriving on interface iface of netns, handed to an application's AF_XDP sockets.
 * Either syrupd takes them from process pid (executor i is its i-th socket in order of file
 * descriptor number), or, with pid 0, the application registers them itself (xsk.register): then
 * sockets is how many executors the policy has, and executor i is the i-th socket registered.
 */
public record XdpSocketTarget(NetnsRef netns, String iface, Protocol protocol, int port, int pid, int sockets)
        implements XdpTarget {
    public XdpSocketTarget {
        Objects.requireNonNull(netns, "netns");
        Objects.requireNonNull(iface, "iface");
        Objects.requireNonNull(protocol, "protocol");
        HookTarget.checkPort(port);
        if (pid < 0 || (pid == 0) == (sockets == 0)) {
            throw DomainException.invalid("xdp-socket needs either the pid of the process holding the AF_XDP sockets"
                    + " or how many sockets the application will register, got pid " + pid + " and " + sockets + " sockets");
        }
        if (sockets < 0 || sockets > HookConfig.MAX_EXECUTORS) {
            throw DomainException.invalid("xdp-socket: " + sockets + " sockets; between 1 and "
                    + HookConfig.MAX_EXECUTORS + " are supported");
        }
    }

    /** The sockets of process pid, taken by syrupd. */
    public XdpSocketTarget(NetnsRef netns, String iface, Protocol protocol, int port, int pid) {
        this(netns, iface, protocol, port, pid, 0);
    }

    /** Sockets to come: the application registers up to sockets of them. */
    public static XdpSocketTarget registered(NetnsRef netns, String iface, Protocol protocol, int port, int sockets) {
        return new XdpSocketTarget(netns, iface, protocol, port, 0, sockets);
    }

    /** Whether the application registers its sockets (rather than syrupd taking them from a process). */
    public boolean registersSockets() { return pid == 0; }

    @Override
    public Hook hook() { return Hook.XDP_SOCKET; }

    @Override
    public String key() { return "xdp-socket-" + iface + "-" + protocol + "-" + port; }
}
