package dev.syrup.daemon;

import dev.syrup.error.DomainException;
import dev.syrup.api.Request;
import dev.syrup.node.DeploymentRecord;
import dev.syrup.hook.HookTarget;
import dev.syrup.hook.ReuseportSockets;
import dev.syrup.hook.SocketSelectTarget;
import dev.syrup.hook.ThreadTarget;
import dev.syrup.hook.XdpSocketTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who may do what. A deployment belongs to the identity (uid + cgroup) that created it; root may
 * act on any deployment by asking explicitly ("force"). A non-root caller may steer only sockets
 * its own uid holds (at xdp-socket: its own processes' AF_XDP sockets), may not attach at XDP (that
 * needs CAP_NET_ADMIN over the interface), and may
 * schedule only the threads of its own cgroup or of a cgroup below it, all of them its own uid's.
 */
final class Authorizer {
    private Authorizer() {}

    static void checkOwner(String id, DeploymentRecord.Owner owner, PeerIdentity peer, Request request) {
        if (owner.isCaller(peer.uid(), peer.cgroup())) {
            return;
        }
        if (peer.isRoot() && request.isForced()) {
            return;
        }
        throw DomainException.forbidden("deployment " + id + " belongs to uid " + owner.uid() + " in cgroup "
                + owner.cgroup() + "; you are uid " + peer.uid() + " in cgroup " + peer.cgroup()
                + (peer.isRoot() ? " (root may act on it with --force)" : ""));
    }

    /**
     * checkRegistrant: who may register threads of its own process with a deployment of registered
     * threads (thread.register; the threads must also be in the deployment's cgroup). A deployment
     * made by root (an administrator, the operator) takes the threads of any process in its cgroup;
     * one made by a user takes only that user's (root's too).
     */
    static void checkRegistrant(String id, DeploymentRecord.Owner owner, PeerIdentity peer) {
        if (peer.isRoot() || owner.uid() == 0 || owner.uid() == peer.uid()) {
            return;
        }
        throw DomainException.forbidden("deployment " + id + " belongs to uid " + owner.uid() + ": it takes the threads of"
                + " that user's processes only; you are uid " + peer.uid());
    }

    /**
     * checkSocketRegistrant: who may hand AF_XDP sockets to a deployment (xsk.register): its owner's
     * uid, or root. Unlike threads, a deployment root made does not take anyone's sockets: they would
     * take over the traffic of whoever registered last.
     */
    static void checkSocketRegistrant(String id, DeploymentRecord.Owner owner, PeerIdentity peer) {
        if (peer.isRoot() || owner.uid() == peer.uid()) {
            return;
        }
        throw DomainException.forbidden("deployment " + id + " belongs to uid " + owner.uid() + ": only that user (or root)"
                + " may register its AF_XDP sockets; you are uid " + peer.uid());
    }

    private static void checkThreads(ThreadTarget t, PeerIdentity peer) {
        String own = peer.cgroup();
        String want = t.cgroup().path();
        if (!want.equals(own) && !want.startsWith(own.equals("/") ? "/" : own + "/")) {
            throw DomainException.forbidden("cgroup " + want + " is not yours: you may schedule the threads of your own cgroup ("
                    + own + ") or of one below it");
        }
        Path procs = dev.syrup.hook.thread.Cgroups.v2Mount().resolve(want.substring(1)).resolve("cgroup.procs");
        try {
            for (String pid : Files.readAllLines(procs)) {
                int uid = (int) Files.getAttribute(Path.of("/proc/" + pid.strip()), "unix:uid");
                if (uid != peer.uid()) {
                    throw DomainException.forbidden("process " + pid.strip() + " in cgroup " + want + " belongs to uid " + uid
                            + ", not yours (" + peer.uid() + ")");
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // a process exited while we looked
        } catch (IOException e) {
            throw DomainException.forbidden("cannot tell whose processes are in cgroup " + want + ": " + e.getMessage());
        }
    }

    /** An xdp-socket target takes the AF_XDP sockets of one process: it must be the caller's uid's. */
    private static void checkProcess(int pid, PeerIdentity peer) {
        try {
            int uid = (int) Files.getAttribute(Path.of("/proc/" + pid), "unix:uid");
            if (uid != peer.uid()) {
                throw DomainException.forbidden("process " + pid + " belongs to uid " + uid + ", not yours (" + peer.uid()
                        + "): you may hand only your own processes' AF_XDP sockets to a policy");
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // No such process: resolving the target says so.
        } catch (IOException e) {
            throw DomainException.forbidden("cannot tell whose process " + pid + " is: " + e.getMessage());
        }
    }

    static void checkTarget(HookTarget target, PeerIdentity peer) {
        if (peer.isRoot()) {
            return;
        }
        if (target instanceof ThreadTarget t) {
            checkThreads(t, peer);
            return;
        }
        if (target instanceof XdpSocketTarget x && !x.registersSockets()) {
            checkProcess(x.pid(), peer);
        }
        if (!(target instanceof SocketSelectTarget)) {
            throw DomainException.forbidden(target.hook() + " attaches to a network interface: only root may deploy it");
        }
        try {
            SocketSelectTarget s = (SocketSelectTarget) target;
            for (ReuseportSockets.Owner o : ReuseportSockets.find(s.netns(), s.protocol(), s.port())) {
                int uid = (int) Files.getAttribute(Path.of("/proc/" + o.pid()), "unix:uid");
                if (uid != peer.uid()) {
                    throw DomainException.forbidden(s.protocol() + " port " + s.port()
                            + " is held by a process of uid " + uid + ", not yours (" + peer.uid() + ")");
                }
            }
        } catch (IOException e) {
            throw DomainException.forbidden("cannot tell who holds port " + ((SocketSelectTarget) target).port() + ": " + e.getMessage());
        }
    }
}
