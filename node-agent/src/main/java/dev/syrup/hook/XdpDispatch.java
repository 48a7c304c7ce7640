package dev.syrup.hook;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfException;
import dev.syrup.bpf.Bpffs;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Routes the XDP hooks' targets through their interface's root dispatcher, which every XDP hook
 * shares: each destination port goes to its own deployment's program, whichever hook it is of. The
 * dispatcher is loaded with the first route and taken away with the last. The interface's XDP link
 * (pinned with the dispatcher) runs the only route's program directly while there is one, and the
 * dispatcher while there are more (Dispatcher.linkProgram): the link is switched as routes come and
 * go, atomically for every packet.
 */
final class XdpDispatch {
    private static final int EBUSY = 16;
    private static final int ENOLINK = 67;

    private final PinLayout layout;
    private final Path dispatcherObject;
    private final int xdpMode;

    XdpDispatch(PinLayout layout, Path dispatcherObject, int xdpMode) {
        this.layout = layout;
        this.dispatcherObject = dispatcherObject;
        this.xdpMode = xdpMode;
    }

    /** route sends target's port to prog, attaching the interface's XDP link if it has none. */
    void route(XdpTarget target, Fd prog) {
        try (Dispatcher d = Dispatcher.openOrLoad(dir(target), dispatcherObject)) {
            d.route(target.port(), prog);
            link(target, d);
        }
    }

    /** reroute puts prog in place of the program target's port goes to. */
    void reroute(XdpTarget target, Fd prog) {
        try (Dispatcher d = Dispatcher.open(dir(target))) {
            d.route(target.port(), prog);
            d.settleLink();
        }
    }

    /** unroute returns target's port to the kernel if it still goes to progId; the last route takes the dispatcher away. */
    void unroute(XdpTarget target, int progId) {
        Path dir = dir(target);
        if (!Files.exists(dir.resolve("prog"))) {
            return;
        }
        try (Dispatcher d = Dispatcher.open(dir)) {
            if (!d.unroute(target.port(), progId)) {
                return;
            }
            if (!d.hasRoutes()) {
                d.detachLink();
                d.unpin();
                return;
            }
            try {
                d.settleLink();
            } catch (BpfException e) {
                if (e.errno() != ENOLINK) {
                    throw e;
                }
                // The interface is gone and took the attachment with it: nothing runs to switch.
            }
        }
    }

    /**
     * Makes the interface's XDP link run what d's routes need, attaching it (pinned in d's directory)
     * the first time, or again if the interface it was made for is gone.
     */
    private void link(XdpTarget target, Dispatcher d) {
        Path pin = d.dir().resolve("link");
        if (Files.exists(pin)) {
            try {
                d.settleLink();
                return;
            } catch (BpfException e) {
                if (e.errno() != ENOLINK) {
                    throw e;
                }
                Bpffs.removeAll(List.of(pin));
            }
        }
        try (Fd prog = d.linkProgram();
             Fd link = Netns.attachXdp(target.netns().path(), target.iface(), prog, xdpMode)) {
            Bpf.pin(link, pin);
        } catch (BpfException e) {
            if (e.errno() == EBUSY) {
                throw new TargetUnavailableException("interface " + target.iface()
                        + " already has an XDP program that is not Syrup's", e);
            }
            throw e;
        }
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
