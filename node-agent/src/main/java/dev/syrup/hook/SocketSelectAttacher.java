package dev.syrup.hook;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
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
 * policy's REUSEPORT_SOCKARRAY; the namespace's root dispatcher is attached to the group.
 */
public final class SocketSelectAttacher extends NetworkAttacher<SocketSelectTarget> {
    private static final String SOCKETS_MAP = "syrup_socks";
    /** Where the target's REUSEPORT_SOCKARRAY is pinned in its directory. */
    public static final String SOCKETS_PIN = "sockets";

    private final Path dispatcherObject;

    public SocketSelectAttacher(PinLayout layout, Path dispatcherObject) {
        super(layout);
        this.dispatcherObject = dispatcherObject;
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
    protected Dispatcher dispatcher(SocketSelectTarget target, Executors executors) {
        Dispatcher d = Dispatcher.openOrLoad(dispatcherDir(target), dispatcherObject);
        // Attaching to one socket attaches to its whole reuseport group.
        Sockets.attachReuseport(executors.sockets().get(0), d.program());
        return d;
    }

    /**
     * reattach attaches what serves target to socket's reuseport group: after the application
     * restarted, its new sockets form a new group that nothing steers yet. Attaching again to the
     * same group replaces the program with itself, atomically.
     */
    public void reattach(SocketSelectTarget target, Fd socket) {
        try (Dispatcher d = Dispatcher.open(dispatcherDir(target))) {
            Sockets.attachReuseport(socket, d.program());
        }
    }

    @Override
    protected void release(SocketSelectTarget target, Dispatcher dispatcher) {
        List<ReuseportSockets.Owner> owners = owners(target);
        if (!owners.isEmpty()) {
            try (Fd sock = ReuseportSockets.take(owners.subList(0, 1), target.protocol(), target.port()).get(0)) {
                Sockets.detachReuseport(sock);
            } catch (RuntimeException e) {
                // The application is gone or changed: its group went with it.
            }
        }
        if (!dispatcher.hasRoutes()) {
            dispatcher.unpin();
        }
    }

    @Override
    protected Path dispatcherDir(SocketSelectTarget target) { return layout.socketSelectDispatcher(target.netns()); }

    private static List<ReuseportSockets.Owner> owners(SocketSelectTarget target) {
        try {
            return ReuseportSockets.find(target.netns(), target.protocol(), target.port());
        } catch (IOException e) {
            throw new UncheckedIOException("finding the sockets of port " + target.port(), e);
        }
    }
}
