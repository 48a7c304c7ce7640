package dev.syrup.bpf;

/** Sockets of other processes (taken with pidfd_getfd) and sk_reuseport attachment. */
public final class Sockets {
    static {
        NativeLibrary.ensureAvailable();
    }

    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_XDP = 44;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;

    private Sockets() {}

    /** take duplicates descriptor fd of process pid into this process (needs ptrace rights on pid). */
    public static Fd take(int pid, int fd) { return Fd.own(takeFromProcess(pid, fd)); }

    /** attachReuseport attaches prog to the SO_REUSEPORT group of sock. */
    public static void attachReuseport(Fd sock, Fd prog) { attachReuseport(sock.get(), prog.get()); }

    /** detachReuseport removes the group's program; absent is not an error. */
    public static void detachReuseport(Fd sock) { detachReuseport(sock.get()); }

    /** The socket's address family (AF_INET, AF_XDP, ...); works for every kind of socket. */
    public static int domain(Fd sock) { return domain(sock.get()); }

    /**
     * Where an AF_XDP socket is bound, as the network namespace at netns sees it (the kernel's
     * sock_diag dump of that namespace): NOT_IN_NAMESPACE if the socket is not in it, UNKNOWN if
     * the kernel has no AF_XDP sock_diag (CONFIG_XDP_SOCKETS_DIAG).
     */
    public static XskBinding xskBinding(Fd sock, java.nio.file.Path netns) {
        long[] v = xskBinding(sock.get(), netns.toString());
        return v == null ? XskBinding.NOT_IN_NAMESPACE : v.length == 1 ? XskBinding.UNKNOWN
                : new XskBinding((int) v[0], (int) v[1], (int) v[2]);
    }

    /** An AF_XDP socket's interface (0: not bound), queue and RX ring size (0: it has none). */
    public record XskBinding(int ifindex, int queue, int rxEntries) {
        public static final XskBinding NOT_IN_NAMESPACE = new XskBinding(-1, -1, -1);
        public static final XskBinding UNKNOWN = new XskBinding(-2, -2, -2);
    }

    /**
     * xskMapProbe: 0 if the kernel takes the socket into an XSKMAP (an AF_XDP socket, bound, with
     * an RX ring), else the negative errno it refuses it with (tried on a throwaway map).
     */
    public static int xskMapProbe(Fd sock) { return xskMapProbe(sock.get()); }

    public static Info info(Fd sock) {
        long[] v = info(sock.get());
        return new Info((int) v[0], (int) v[1], (int) v[2], (int) v[3], v[4] != 0, v[5], v[6]);
    }

    /**
     * What the kernel says of a socket. cookie (SO_COOKIE) is what a REUSEPORT_SOCKARRAY holding the
     * socket gives back on lookup.
     */
    public record Info(int domain, int type, int protocol, int localPort, boolean reusePort, long netnsCookie,
                       long cookie) {}

    private static native int takeFromProcess(int pid, int fd);

    private static native void attachReuseport(int sockFd, int progFd);

    private static native void detachReuseport(int sockFd);

    private static native long[] info(int fd);

    private static native int domain(int fd);

    private static native long[] xskBinding(int fd, String netns);

    private static native int xskMapProbe(int fd);
}
