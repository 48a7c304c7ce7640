package dev.syrup.bpf;

/**
 * Registers a struct_ops map of a {@link BpfObject} (a sched_ext scheduler) through a BPF link: the
 * registration lasts while the link's descriptor is open, so it ends when the agent exits or crashes.
 */
public final class StructOps {
    static {
        NativeLibrary.ensureAvailable();
    }

    private StructOps() {}

    /** useLink makes map a link-attached struct_ops map; call before {@link BpfObject#load}. */
    public static void useLink(BpfObject obj, String map) { useLink(obj.nativeHandle(), map); }

    /** attach registers the loaded map and returns the link. */
    public static Fd attach(BpfObject obj, String map) { return Fd.own(attach(obj.nativeHandle(), map)); }

    private static native void useLink(long obj, String map);

    private static native int attach(long obj, String map);
}
