package dev.syrup.bpf;

import java.nio.file.Path;

/**
 * Work inside another network namespace, done on a short-lived native thread: JVM threads never
 * change namespace.
 */
public final class Netns {
    static {
        NativeLibrary.ensureAvailable();
    }

    /** XDP attach modes (XDP_FLAGS_*); 0 lets the kernel pick native mode where the driver has it. */
    public static final int XDP_MODE_AUTO = 0;
    public static final int XDP_MODE_SKB = 1 << 1;
    public static final int XDP_MODE_DRV = 1 << 2;

    private Netns() {}

    /** The namespace this process runs in, as a path usable by the methods here. */
    public static Path current() { return Path.of("/proc/self/ns/net"); }

    public static int ifindex(Path netns, String ifname) { return ifindex(netns.toString(), ifname); }

    /** attachXdp attaches prog at XDP on interface ifname of netns and returns the link. */
    public static Fd attachXdp(Path netns, String ifname, Fd prog, int mode) {
        return Fd.own(attachXdp(netns.toString(), ifname, prog.get(), mode));
    }

    /** detach detaches a link from its hook even while pins still reference it. */
    public static void detach(Fd link) { detachLink(link.get()); }

    private static native int ifindex(String netns, String ifname);

    private static native int attachXdp(String netns, String ifname, int progFd, int flags);

    private static native void detachLink(int linkFd);
}
