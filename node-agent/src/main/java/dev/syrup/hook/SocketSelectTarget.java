package dev.syrup.hook;

import dev.syrup.policy.Hook;
import java.util.Objects;

/**
 * The SO_REUSEPORT sockets bound to port in netns. Executor i is the i-th of those sockets, in
 * order of owning process id, then file descriptor number (creation order within a process).
 */
public record SocketSelectTarget(NetnsRef netns, Protocol protocol, int port) implements NetworkTarget {
    public SocketSelectTarget {
        Objects.requireNonNull(netns, "netns");
        Objects.requireNonNull(protocol, "protocol");
        HookTarget.checkPort(port);
    }

    /** A port (per namespace, protocol and hook instance) belongs to one deployment at a time. */
    @Override
    public String claim() { return hook() + "/" + netns.inode() + "/" + "" + "/" + protocol + "/" + port; }

    @Override
    public Hook hook() { return Hook.SOCKET_SELECT; }

    @Override
    public String key() { return "socket-select-" + protocol + "-" + port; }
}
