package dev.syrup.hook;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfException;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Netns;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Routes the XDP hooks' targets through their interface's root dispatcher, which every XDP hook
 * shares: each destination port goes to its own deployment's program, whichever hook it is of. The
 * dispatcher is loaded and attached (through a pinned XDP link) with the first route and detached
 * with the last.
 */
final class XdpDispatch {
    private final PinLayout layout;
    private final Path dispatcherObject;
    private final int xdpMode;

    XdpDispatch(PinLayout layout, Path dispatcherObject, int xdpMode) {
        this.layout = layout;
        this.dispatcherObject = dispatcherObject;
        this.xdpMode = xdpMode;
    }

    /** route sends target's port to prog, attaching the interface's dispatcher if it has none. */
    void route(XdpTarget target, Fd prog) {
        try (Dispatcher d = dispatcher(target)) {
            d.route(target.port(), prog);
        }
    }

    /** reroute puts prog in place of the program target's port goes to. */
    void reroute(XdpTarget target, Fd prog) {
        try (Dispatcher d = Dispatcher.open(dir(target))) {
            d.route(target.port(), prog);
        }
    }

    /** unroute returns target's port to the kernel if it still goes to progId; the last route takes the dispatcher away. */
    void unroute(XdpTarget target, int progId) {
        Path dir = dir(target);
        if (!Files.exists(dir.resolve("prog"))) {
            return;
        }
        try (Dispatcher d = Dispatcher.open(dir)) {
            if (d.unroute(target.port(), progId) && !d.hasRoutes()) {
                d.detachLink();
                d.unpin();
            }
        }
    }

    /** The interface's root dispatcher, loaded and attached through a pinned XDP link the first time. */
    private Dispatcher dispatcher(XdpTarget target) {
        Dispatcher d = Dispatcher.openOrLoad(dir(target), dispatcherObject);
        Path linkPin = d.dir().resolve("link");
        if (!Files.exists(linkPin)) {
            try (Fd link = Netns.attachXdp(target.netns().path(), target.iface(), d.program(), xdpMode)) {
                Bpf.pin(link, linkPin);
            } catch (BpfException e) {
                d.close();
                if (e.errno() == 16) {
                    throw new TargetUnavailableException("interface " + target.iface()
                            + " already has an XDP program that is not Syrup's dispatcher", e);
                }
                throw e;
            }
        }
        return d;
    }

    /** checkInterface fails if target's interface does not exist in its namespace. */
    static void checkInterface(XdpTarget target) {
        try {
            Netns.ifindex(target.netns().path(), target.iface());
        } catch (BpfException e) {
            throw new TargetUnavailableException("interface " + target.iface() + " not found in network namespace "
                    + target.netns() + " (" + e.getMessage() + ")", e);
        }
    }

    private Path dir(XdpTarget target) { return layout.xdpDispatcher(target.netns(), target.iface()); }
}
