package dev.syrup.hook;

/** A network target at XDP: a port on an interface, served through the interface's root dispatcher. */
public sealed interface XdpTarget extends NetworkTarget permits XdpCpuTarget, XdpSocketTarget {
    String iface();

    /**
     * The dispatcher sends each destination port to one program, whichever XDP hook it is of: a port
     * (per namespace and interface) belongs to one XDP deployment at a time.
     */
    @Override
    default String claim() { return "xdp/" + netns().inode() + "/" + iface() + "/" + protocol() + "/" + port(); }
}
