package dev.syrup.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** Newline-terminated UTF-8 lines over a stream socket, each at most maxLine bytes. */
final class LineChannel implements AutoCloseable {
    /** A line longer than the limit: the connection cannot be resynchronised after it. */
    static final class LineTooLongException extends IOException {
        LineTooLongException(int max) { super("a line is longer than " + max + " bytes"); }
    }

    private final SocketChannel channel;
    private final int maxLine;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024).flip();

    LineChannel(SocketChannel channel, int maxLine) {
        this.channel = channel;
        this.maxLine = maxLine;
    }

    void writeLine(String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (bytes.length - 1 > maxLine) {
            throw new LineTooLongException(maxLine);
        }
        ByteBuffer out = ByteBuffer.wrap(bytes);
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    /** The next line without its newline; EOFException if the peer closed first. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (!in.hasRemaining()) {
                in.clear();
                int n = channel.read(in);
                in.flip();
                if (n < 0) {
                    throw new EOFException("the connection closed" + (line.size() > 0 ? " in the middle of a line" : ""));
                }
            }
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                if (line.size() == maxLine) {
                    throw new LineTooLongException(maxLine);
                }
                line.write(b);
            }
        }
    }

    @Override
    public void close() throws IOException { channel.close(); }
}
