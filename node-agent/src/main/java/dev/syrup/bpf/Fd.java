package dev.syrup.bpf;

/** An owned file descriptor (program, map, link, socket), closed exactly once. */
public final class Fd implements AutoCloseable {
    private int fd;

    private Fd(int fd) { this.fd = fd; }

    /** Takes ownership of fd. */
    public static Fd own(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("invalid file descriptor " + fd);
        }
        return new Fd(fd);
    }

    /** dup makes an owned duplicate of a descriptor someone else owns (e.g. libbpf). */
    public static Fd dup(int fd) {
        return new Fd(Bpf.dupFd(fd));
    }

    public int get() {
        if (fd < 0) {
            throw new IllegalStateException("file descriptor already closed");
        }
        return fd;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            Bpf.closeFd(fd);
            fd = -1;
        }
    }

    @Override
    public String toString() { return "fd " + fd; }
}
