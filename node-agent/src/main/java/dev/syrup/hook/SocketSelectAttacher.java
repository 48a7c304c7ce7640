package dev.syrup.hook;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Bpffs;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Sockets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * socket-select: the application's SO_REUSEPORT sockets, taken from its process, fill the
 * policy's REUSEPORT_SOCKARRAY, and the policy's program is attached to the group itself. A group
 * is one port's, and a port is one deployment's, so no dispatcher sits in front of it; replacing
 * attaches the new program in place of the old one, which the kernel does atomically per packet.
 * Which program each group runs is pinned in layout.socketSelectGroups(netns), for detaching and
 * for start-up repair.
 */
public final class SocketSelectAttacher extends NetworkAttacher<SocketSelectTarget> {
    private static final String SOCKETS_MAP = "syrup_socks";
    /** Where the target's REUSEPORT_SOCKARRAY is pinned in its directory. */
    public static final String SOCKETS_PIN = "sockets";

    public SocketSelectAttacher(PinLayout layout) {
        super(layout);
    }

    @Override
    public Executors resolve(SocketSelectTarget target) {
        List<ReuseportSockets.Owner> owners = owners(target);
        if (owners.isEmpty()) {
            throw new TargetUnavailableException("no " + target.protocol() + " socket is bound to port " + target.port()
                    + " in network namespace " + target.netns() + "; start the application first");
        }
        if (owners.size() > HookConfig.MAX_EXECUTORS) {
            throw new TargetUnavailableException(owners.size() + " sockets are bound to port " + target.port()
                    + "; socket-select supports at most " + HookConfig.MAX_EXECUTORS);
        }
        return Executors.ofSockets(ReuseportSockets.take(owners, target.protocol(), target.port()));
    }

    @Override
    protected Map<String, String> executorMaps() {
        return Map.of(SOCKETS_MAP, SOCKETS_PIN, LiveExecutors.MAP, LiveExecutors.PIN);
    }

    @Override
    protected void fillExecutors(BpfObject policy, Executors executors) {
        try (BpfMap socks = policy.map(SOCKETS_MAP)) {
            for (int i = 0; i < executors.sockets().size(); i++) {
                socks.update(BpfMap.u32(i), BpfMap.u64(executors.sockets().get(i).get()));
            }
        }
        try (BpfMap live = policy.map(LiveExecutors.MAP)) {
            LiveExecutors.write(live, executors.sockets().size());
        }
    }

    /**
     * A socket can be in one REUSEPORT_SOCKARRAY at a time, and an unpinned map is freed later by
     * the kernel: empty it now so the sockets can be deployed to again at once.
     */
    @Override
    protected void releaseExecutors(Path targetDir) {
        Path pin = targetDir.resolve(executorMaps().get(SOCKETS_MAP));
        if (!Files.exists(pin)) {
            return;
        }
        try (BpfMap socks = new BpfMap(Bpf.open(pin))) {
            for (int i = 0; i < socks.info().maxEntries(); i++) {
                socks.delete(BpfMap.u32(i));
            }
        }
    }

    @Override
    protected void route(SocketSelectTarget target, Executors executors, Fd prog) {
        Path pin = groupPin(target);
        Bpffs.mkdirs(pin.getParent());
        Bpffs.replacePin(prog, pin);
        // Attaching to one socket attaches to its whole reuseport group.
        Sockets.attachReuseport(executors.sockets().get(0), prog);
    }

    /**
     * reattach attaches what serves target to socket's reuseport group: after the application
     * restarted, its new sockets form a new group that nothing steers yet. Attaching again to the
     * same group replaces the program with itself, atomically.
     */
    public void reattach(SocketSelectTarget target, Fd socket) {
        try (Fd prog = Bpf.open(groupPin(target))) {
            Sockets.attachReuseport(socket, prog);
        }
    }

    @Override
    protected void reroute(SocketSelectTarget target, Fd prog) { attachGroup(layout, target, prog); }

    /** attachGroup attaches prog to target's reuseport group in place of what it runs, and pins it as the group's. */
    public static void attachGroup(PinLayout layout, SocketSelectTarget target, Fd prog) {
        List<ReuseportSockets.Owner> owners = owners(target);
        if (owners.isEmpty()) {
            throw new TargetUnavailableException("no " + target.protocol() + " socket is bound to port "
                    + target.port() + " in network namespace " + target.netns() + " any more");
        }
        try (Fd sock = ReuseportSockets.take(owners.subList(0, 1), target.protocol(), target.port()).get(0)) {
            Sockets.attachReuseport(sock, prog);
        }
        Path pin = layout.socketSelectGroup(target.netns(), target.protocol(), target.port());
        Bpffs.mkdirs(pin.getParent());
        Bpffs.replacePin(prog, pin);
    }

    @Override
    protected void unroute(SocketSelectTarget target, int progId) {
        Path pin = groupPin(target);
        if (!Files.exists(pin)) {
            return;
        }
        try (Fd attached = Bpf.open(pin)) {
            if (Bpf.programInfo(attached).id() != progId) {
                return;
            }
        }
        detachGroup(target.netns(), target.protocol(), target.port());
        removeGroupPin(pin);
    }

    /** detachGroup returns the reuseport group of port in netns to the kernel's hash, if it still exists. */
    public static void detachGroup(NetnsRef netns, Protocol protocol, int port) {
        List<ReuseportSockets.Owner> owners = owners(new SocketSelectTarget(netns, protocol, port));
        if (owners.isEmpty()) {
            return; // the application is gone and its group with it
        }
        try (Fd sock = ReuseportSockets.take(owners.subList(0, 1), protocol, port).get(0)) {
            Sockets.detachReuseport(sock);
        } catch (RuntimeException e) {
            // The application closed or changed the socket meanwhile: its group went with it.
        }
    }

    /** removeGroupPin unpins a group's program, and the groups' directory and namespace's once empty. */
    public static void removeGroupPin(Path pin) {
        Bpffs.removeTree(pin);
        Path groups = pin.getParent();
        if (Bpffs.list(groups).isEmpty()) {
            Bpffs.removeTree(groups);
            if (Bpffs.list(groups.getParent()).isEmpty()) {
                Bpffs.removeTree(groups.getParent());
            }
        }
    }

    private Path groupPin(SocketSelectTarget target) {
        return layout.socketSelectGroup(target.netns(), target.protocol(), target.port());
    }

    private static List<ReuseportSockets.Owner> owners(SocketSelectTarget target) {
        try {
            return ReuseportSockets.find(target.netns(), target.protocol(), target.port());
        } catch (IOException e) {
            throw new UncheckedIOException("finding the sockets of port " + target.port(), e);
        }
    }
}
