package dev.syrup.hook;

import dev.syrup.bpf.Bpf;
import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import dev.syrup.bpf.Netns;
import dev.syrup.bpf.Sockets;
import dev.syrup.error.DomainException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * xdp-socket: the policy redirects each packet to one of the application's AF_XDP sockets through
 * its XSKMAP, filled with the sockets taken from the application. Routed through the interface's
 * root dispatcher (XdpDispatch), which it shares with xdp-cpu. The map holds no socket open: one
 * the application closes leaves it, and the packets it would have had pass to the kernel. An
 * application may also register its sockets itself (register): the map starts empty then.
 */
public final class XdpSocketAttacher extends NetworkAttacher<XdpSocketTarget> {
    private static final String XSKMAP = "syrup_xsks";

    private final XdpDispatch dispatch;

    public XdpSocketAttacher(PinLayout layout, Path dispatcherObject, int xdpMode) {
        super(layout);
        this.dispatch = new XdpDispatch(layout, dispatcherObject, xdpMode);
    }

    @Override
    public Executors resolve(XdpSocketTarget target) {
        XdpDispatch.checkInterface(target);
        if (target.registersSockets()) {
            return new Executors(target.sockets(), List.of(), List.of());
        }
        return Executors.ofSockets(AfXdpSockets.take(target.netns(), target.pid()));
    }

    /**
     * register makes sockets executors 0..n-1 of the running target, in place of the ones it had, at
     * most limit of them (the count its policy was loaded with). Every socket is checked first: an
     * AF_XDP socket the kernel takes into an XSKMAP (bound, with an RX ring) and, where the kernel
     * has AF_XDP sock_diag to tell, in the target's namespace and bound to its interface. A bad one
     * is refused and nothing changes.
     */
    public void register(String id, XdpSocketTarget target, List<Fd> sockets, int limit) {
        if (sockets.isEmpty() || sockets.size() > limit) {
            throw DomainException.invalid(sockets.size() + " AF_XDP sockets passed; deployment " + id + " takes 1 to "
                    + limit + " (the executors its policy was deployed with)");
        }
        int ifindex = Netns.ifindex(target.netns().path(), target.iface());
        for (int i = 0; i < sockets.size(); i++) {
            checkSocket(i, sockets.get(i), target, ifindex);
        }
        try (BpfMap xsks = new BpfMap(Bpf.open(layout.target(id, target).resolve("xsks")))) {
            for (int i = 0; i < sockets.size(); i++) {
                xsks.update(BpfMap.u32(i), BpfMap.u32(sockets.get(i).get()));
            }
            for (int i = sockets.size(); i < HookConfig.MAX_EXECUTORS; i++) {
                xsks.delete(BpfMap.u32(i));
            }
        }
    }

    private static void checkSocket(int i, Fd fd, XdpSocketTarget target, int ifindex) {
        int domain;
        try {
            domain = Sockets.domain(fd);
        } catch (RuntimeException e) {
            throw DomainException.invalid("descriptor " + i + " passed is not a socket");
        }
        if (domain != Sockets.AF_XDP) {
            throw DomainException.invalid("descriptor " + i + " passed is not an AF_XDP socket (address family "
                    + domain + ")");
        }
        Sockets.XskBinding b = Sockets.xskBinding(fd, target.netns().path());
        if (b == Sockets.XskBinding.NOT_IN_NAMESPACE) {
            throw DomainException.invalid("AF_XDP socket " + i + " is not in network namespace " + target.netns()
                    + " of interface " + target.iface());
        }
        if (b != Sockets.XskBinding.UNKNOWN && b.ifindex() != ifindex) {
            throw DomainException.invalid("AF_XDP socket " + i + (b.ifindex() == 0 ? " is not bound"
                    : " is bound to interface index " + b.ifindex()) + ", not to " + target.iface() + " (index " + ifindex + ")");
        }
        int refused = Sockets.xskMapProbe(fd);
        if (refused != 0) {
            throw DomainException.invalid("AF_XDP socket " + i + " cannot receive redirected packets (the kernel refuses it"
                    + " for an XSKMAP with error " + -refused + ": it must be bound, with an RX ring)");
        }
    }

    @Override
    public HookConfig config(XdpSocketTarget target, Executors executors) {
        return HookConfig.of(target, executors.count(), List.of());
    }

    @Override
    protected Map<String, String> executorMaps() { return Map.of(XSKMAP, "xsks"); }

    @Override
    protected void fillExecutors(BpfObject policy, Executors executors) {
        try (BpfMap xsks = policy.map(XSKMAP)) {
            List<Fd> sockets = executors.sockets();
            for (int i = 0; i < sockets.size(); i++) {
                xsks.update(BpfMap.u32(i), BpfMap.u32(sockets.get(i).get()));
            }
        }
    }

    @Override
    protected void route(XdpSocketTarget target, Executors executors, Fd prog) { dispatch.route(target, prog); }

    @Override
    protected void reroute(XdpSocketTarget target, Fd prog) { dispatch.reroute(target, prog); }

    @Override
    protected void unroute(XdpSocketTarget target, int progId) { dispatch.unroute(target, progId); }
}
