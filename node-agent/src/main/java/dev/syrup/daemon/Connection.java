package dev.syrup.daemon;

import dev.syrup.bpf.Fd;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One client of syrupd: its credentials and line-oriented I/O with a size limit. Descriptors the
 * client passes (SCM_RIGHTS) belong to the line it sent them with: the one holding the last byte
 * of the read they came with (a client sends a request and its descriptors in one sendmsg).
 */
public final class Connection implements Closeable {
    /** Descriptors one request may carry; more and the request's are all refused. */
    public static final int MAX_FDS = 64;

    private final int fd;
    private final int[] received = new int[MAX_FDS + 2];
    /** Descriptors that arrived for a line not yet complete, and where in buf that line is (-1: the current one). */
    private final List<Fd> arriving = new ArrayList<>();
    private int arrivingAt = -1;
    private boolean arrivingTooMany;
    /** The descriptors of the line readLine returned last. */
    private List<Fd> lineFds = new ArrayList<>();
    private boolean lineTooMany;
    private final int pid;
    private final int uid;
    private final byte[] buf = new byte[64 * 1024];
    private int start;
    private int end;

    Connection(int fd, int pid, int uid) {
        this.fd = fd;
        this.pid = pid;
        this.uid = uid;
    }

    public int pid() { return pid; }

    public int uid() { return uid; }

    /** A line that cannot be a request. inSync tells whether the next line can be read (else the client is dropped). */
    public static class BadLineException extends IOException {
        private final boolean inSync;

        BadLineException(String message, boolean inSync) {
            super(message);
            this.inSync = inSync;
        }

        public boolean inSync() { return inSync; }
    }

    /**
     * A line longer than the limit. Its bytes were skipped up to its newline, so the connection is
     * in sync again unless the line went on past the hard cap (then the client is dropped).
     */
    public static final class LineTooLongException extends BadLineException {
        LineTooLongException(int limit, boolean inSync) {
            super("request is larger than " + limit + " bytes", inSync);
        }
    }

    /** readLine returns the next line without its newline, or null at end of stream. */
    public String readLine(int limit) throws IOException {
        dropLineFds();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long skipped = 0;
        while (true) {
            for (int i = start; i < end; i++) {
                if (buf[i] == '\n') {
                    if (arrivingAt == -1 ? !arriving.isEmpty() || arrivingTooMany : i >= arrivingAt) {
                        lineFds = new ArrayList<>(arriving);
                        lineTooMany = arrivingTooMany;
                        arriving.clear();
                        arrivingTooMany = false;
                        arrivingAt = -1;
                    }
                    if (skipped == 0) {
                        line.write(buf, start, i - start);
                    }
                    start = i + 1;
                    if (skipped > 0) {
                        throw new LineTooLongException(limit, true);
                    }
                    return utf8(line);
                }
            }
            if (skipped == 0 && line.size() + (end - start) <= limit) {
                line.write(buf, start, end - start);
            } else {
                skipped += line.size() + (end - start);
                line.reset();
                if (skipped > 16L * limit) {
                    throw new LineTooLongException(limit, false);
                }
            }
            start = end = 0;
            arrivingAt = -1; // descriptors not yet claimed belong to the line being read
            int n = UnixServer.recv(fd, buf, 0, buf.length, received);
            if (received[0] != 0) {
                take(n);
            }
            if (n == 0) {
                if (skipped > 0) {
                    throw new LineTooLongException(limit, false);
                }
                return line.size() == 0 ? null : utf8(line);
            }
            if (n < 0) {
                throw new IOException(n == -11 ? "client idle for too long" : "read failed with error(" + -n + ")");
            }
            end = n;
        }
    }

    /** Descriptors that came with the bytes buf[0..n): they belong to the line holding byte n - 1. */
    private void take(int n) {
        if (received[0] < 0 || received[0] + arriving.size() > MAX_FDS) {
            arrivingTooMany = true;
        }
        for (int i = 1; i <= received[0]; i++) {
            arriving.add(Fd.own(received[i]));
        }
        received[0] = 0;
        if (arrivingTooMany) {
            arriving.forEach(Fd::close);
            arriving.clear();
        }
        arrivingAt = Math.max(n - 1, 0);
    }

    /**
     * takeFds hands over the descriptors that came with the line readLine returned last (the caller
     * closes them); the connection closes any not taken before it reads the next line.
     */
    public List<Fd> takeFds() {
        List<Fd> out = lineFds;
        lineFds = new ArrayList<>();
        return out;
    }

    /** Whether the last line came with more than MAX_FDS descriptors (none of them kept). */
    public boolean tooManyFds() { return lineTooMany; }

    private void dropLineFds() {
        lineFds.forEach(Fd::close);
        lineFds = new ArrayList<>();
        lineTooMany = false;
    }

    /** The line as text; a request is UTF-8, and one that is not is refused rather than altered. */
    private static String utf8(ByteArrayOutputStream line) throws BadLineException {
        ByteBuffer in = ByteBuffer.wrap(line.toByteArray());
        CharBuffer out = CharBuffer.allocate(in.remaining()); // UTF-8 never has more chars than bytes
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            throw new BadLineException(String.format("request is not UTF-8 (byte 0x%02x at offset %d)",
                    in.get(in.position()) & 0xff, in.position()), true);
        }
        return out.flip().toString();
    }

    public void writeLine(String s) throws IOException {
        byte[] b = (s + "\n").getBytes(StandardCharsets.UTF_8);
        int n = UnixServer.write(fd, b, 0, b.length);
        if (n < 0) {
            throw new IOException("write failed with error(" + -n + ")");
        }
    }

    @Override
    public void close() {
        dropLineFds();
        arriving.forEach(Fd::close);
        arriving.clear();
        UnixServer.close(fd);
    }
}
