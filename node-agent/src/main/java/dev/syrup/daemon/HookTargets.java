package dev.syrup.daemon;

import dev.syrup.error.DomainException;
import dev.syrup.api.HookSpec;
import dev.syrup.policy.Hook;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.NetnsRef;
import dev.syrup.hook.Protocol;
import dev.syrup.hook.SocketSelectTarget;
import dev.syrup.hook.TargetUnavailableException;
import dev.syrup.hook.XdpCpuTarget;
import dev.syrup.hook.XdpSocketTarget;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Turns the hooks of a request into targets, with the protocol's defaults. */
final class HookTargets {
    private static final Path NAMED_NETNS = Path.of("/var/run/netns");

    private HookTargets() {}

    static HookTarget of(HookSpec spec, PeerIdentity peer) {
        if (spec.hook() == null) {
            throw DomainException.invalid("a hook needs \"hook\" (socket-select, xdp-cpu, xdp-socket or thread)");
        }
        boolean xdpSocket = Hook.XDP_SOCKET.cliName().equals(spec.hook());
        if (spec.sockets() != null && !xdpSocket) {
            throw DomainException.invalid(spec.hook() + " takes no \"sockets\" (xdp-socket's sockets to come)");
        }
        if ("thread".equals(spec.hook())) {
            return ThreadTargets.of(spec, peer);
        }
        if ((spec.pid() != null && !xdpSocket) || spec.cgroup() != null || spec.threads() != null) {
            throw DomainException.invalid(spec.hook() + " takes no " + (xdpSocket ? "" : "\"pid\", ")
                    + "\"cgroup\" or \"threads\" (they are for the thread hook)");
        }
        if (spec.port() == null) {
            throw DomainException.invalid("hook " + spec.hook() + " needs \"port\"");
        }
        Hook hook = Hook.fromCliName(spec.hook());
        Protocol protocol = spec.protocol() == null ? Protocol.UDP : Protocol.parse(spec.protocol());
        NetnsRef netns = netns(netnsPath(spec.netns(), peer));
        if (hook == Hook.SOCKET_SELECT) {
            if (spec.iface() != null || spec.cpus() != null) {
                throw DomainException.invalid("socket-select takes no \"interface\" or \"cpus\"");
            }
            return new SocketSelectTarget(netns, protocol, spec.port());
        }
        if (spec.iface() == null || spec.iface().isBlank()) {
            throw DomainException.invalid(hook + " needs \"interface\"");
        }
        if (hook == Hook.XDP_SOCKET) {
            if ((spec.pid() == null) == (spec.sockets() == null)) {
                throw DomainException.invalid("xdp-socket needs \"pid\", the process holding the AF_XDP sockets, or"
                        + " \"sockets\", how many the application will register (xsk.register), not both");
            }
            if (spec.cpus() != null) {
                throw DomainException.invalid("xdp-socket takes no \"cpus\": its executors are the process's AF_XDP sockets");
            }
            if (spec.sockets() != null) {
                return XdpSocketTarget.registered(netns, spec.iface(), protocol, spec.port(), spec.sockets());
            }
            return new XdpSocketTarget(netns, spec.iface(), protocol, spec.port(), spec.pid());
        }
        return new XdpCpuTarget(netns, spec.iface(), protocol, spec.port(), spec.cpus() == null ? List.of() : spec.cpus());
    }

    private static NetnsRef netns(Path path) {
        try {
            return NetnsRef.of(path);
        } catch (UncheckedIOException e) {
            throw new TargetUnavailableException("network namespace " + path
                    + (e.getCause() instanceof NoSuchFileException ? " does not exist" : " is not accessible: " + e.getCause()), e);
        }
    }

    /** A path, a name under /var/run/netns, or (absent) the caller's own namespace. */
    private static Path netnsPath(String netns, PeerIdentity peer) {
        if (netns == null || netns.isEmpty()) {
            return peer.netns();
        }
        if (netns.contains("/")) {
            try {
                return Path.of(netns);
            } catch (InvalidPathException e) {
                throw DomainException.invalid("invalid network namespace path: " + e.getReason());
            }
        }
        if (netns.equals(".") || netns.equals("..")) {
            throw DomainException.invalid("invalid network namespace name '" + netns + "'");
        }
        return NAMED_NETNS.resolve(netns);
    }
}
