package dev.syrup.daemon;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;

/** One client of syrupd: its credentials and line-oriented I/O with a size limit. */
public final class Connection implements Closeable {
    private final int fd;
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
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long skipped = 0;
        while (true) {
            for (int i = start; i < end; i++) {
                if (buf[i] == '\n') {
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
            int n = UnixServer.read(fd, buf, 0, buf.length);
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
    public void close() { UnixServer.close(fd); }
}
