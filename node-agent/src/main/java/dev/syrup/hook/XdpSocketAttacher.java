package dev.syrup.hook;

import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.BpfObject;
import dev.syrup.bpf.Fd;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * xdp-socket: the policy redirects each packet to one of the application's AF_XDP sockets through
 * its XSKMAP, filled with the sockets taken from the application. Routed through the interface's
 * root dispatcher (XdpDispatch), which it shares with xdp-cpu. The map holds no socket open: one
 * the application closes leaves it, and the packets it would have had pass to the kernel.
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
        return Executors.ofSockets(AfXdpSockets.take(target.netns(), target.pid()));
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
