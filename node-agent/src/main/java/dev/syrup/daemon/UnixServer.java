package dev.syrup.daemon;

import dev.syrup.bpf.NativeLibrary;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A listening Unix stream socket whose accepted connections carry the peer's credentials. */
public final class UnixServer implements Closeable {
    static {
        NativeLibrary.ensureAvailable();
    }

    private final Path path;
    private final int fd;
    private volatile boolean closed;

    private UnixServer(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** listen binds path (replacing a stale socket) with the given file mode. */
    public static UnixServer listen(Path path, int mode) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        return new UnixServer(path, listen(path.toString(), mode));
    }

    public Path path() { return path; }

    /** accept waits for the next connection; idleTimeoutMs bounds each read on it. Null once closed. */
    public Connection accept(int idleTimeoutMs) throws IOException {
        while (true) {
            long[] r = accept(fd, idleTimeoutMs);
            if (r[0] >= 0) {
                return new Connection((int) r[0], (int) r[1], (int) r[2]);
            }
            if (closed) {
                return null;
            }
            if (r[0] != -4 /* EINTR */ && r[0] != -103 /* ECONNABORTED */) {
                throw new IOException("accept on " + path + " failed with error(" + -r[0] + ")");
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        shutdown(fd);
        close(fd);
    }

    static native int listen(String path, int mode);

    static native long[] accept(int fd, int timeoutMs);

    static native int read(int fd, byte[] buf, int off, int len);

    /** As read; fds[0] tells how many descriptors came with the bytes (-1: too many, none kept), fds[1..] them. */
    static native int recv(int fd, byte[] buf, int off, int len, int[] fds);

    static native int write(int fd, byte[] buf, int off, int len);

    static native void shutdown(int fd);

    static native void close(int fd);
}
