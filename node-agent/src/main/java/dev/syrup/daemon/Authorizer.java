package dev.syrup.daemon;

import dev.syrup.api.Request;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.ReuseportSockets;
import dev.syrup.hook.SocketSelectTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who may do what. A deployment belongs to the identity (uid + cgroup) that created it; root may
 * act on any deployment by asking explicitly ("force"). A non-root caller may steer only sockets
 * its own uid holds, and may not attach at XDP (that needs CAP_NET_ADMIN over the interface).
 */
final class Authorizer {
    private Authorizer() {}

    static void checkOwner(String id, DeploymentRecord.Owner owner, PeerIdentity peer, Request request) {
        if (owner.is(peer)) {
            return;
        }
        if (peer.isRoot() && request.isForced()) {
            return;
        }
        throw new ForbiddenException("deployment " + id + " belongs to uid " + owner.uid() + " in cgroup "
                + owner.cgroup() + "; you are uid " + peer.uid() + " in cgroup " + peer.cgroup()
                + (peer.isRoot() ? " (root may act on it with --force)" : ""));
    }

    static void checkTarget(HookTarget target, PeerIdentity peer) {
        if (peer.isRoot()) {
            return;
        }
        if (!(target instanceof SocketSelectTarget)) {
            throw new ForbiddenException(target.hook() + " attaches to a network interface: only root may deploy it");
        }
        try {
            for (ReuseportSockets.Owner o : ReuseportSockets.find(target.netns(), target.protocol(), target.port())) {
                int uid = (int) Files.getAttribute(Path.of("/proc/" + o.pid()), "unix:uid");
                if (uid != peer.uid()) {
                    throw new ForbiddenException(target.protocol() + " port " + target.port()
                            + " is held by a process of uid " + uid + ", not yours (" + peer.uid() + ")");
                }
            }
        } catch (IOException e) {
            throw new ForbiddenException("cannot tell who holds port " + target.port() + ": " + e.getMessage());
        }
    }
}
