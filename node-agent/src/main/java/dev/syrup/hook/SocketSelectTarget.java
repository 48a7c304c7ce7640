package dev.syrup.hook;

import java.util.Objects;

/**
 * The SO_REUSEPORT sockets bound to port in netns. Executor i is the i-th of those sockets, in
 * order of owning process id, then file descriptor number (creation order within a process).
 */
public record SocketSelectTarget(NetnsRef netns, Protocol protocol, int port) implements HookTarget {
    public SocketSelectTarget {
        Objects.requireNonNull(netns, "netns");
        Objects.requireNonNull(protocol, "protocol");
        HookTarget.checkPort(port);
    }

    @Override
    public Hook hook() { return Hook.SOCKET_SELECT; }

    @Override
    public String key() { return "socket-select-" + protocol + "-" + port; }
}
