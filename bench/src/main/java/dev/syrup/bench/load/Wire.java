package dev.syrup.bench.load;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The key-value server's datagram format. A request is the type byte ({@code 'G'} GET,
 * {@code 'S'} SCAN), the request id (u64 little-endian, chosen by the client) and padding. A
 * reply echoes the 9-byte header and adds, at byte 9, the index of the worker socket that
 * served it.
 */
public final class Wire {
    public static final byte GET = 'G';
    public static final byte SCAN = 'S';
    public static final int HEADER_BYTES = 9;
    public static final int REPLY_BYTES = 16;
    public static final int DEFAULT_REQUEST_BYTES = 16;

    private Wire() {
    }

    /** Fills {@code buf} with a request of {@code size} bytes, ready to send. */
    public static void encodeRequest(ByteBuffer buf, byte type, long id, int size) {
        buf.clear();
        buf.order(ByteOrder.LITTLE_ENDIAN);
        buf.put(type).putLong(id);
        for (int i = HEADER_BYTES; i < size; i++) {
            buf.put((byte) 0);
        }
        buf.flip();
    }

    /** Whether a received datagram (position 0, limit = its length) is long enough to be a reply. */
    public static boolean isReply(ByteBuffer buf) {
        return buf.limit() >= HEADER_BYTES + 1;
    }

    public static byte type(ByteBuffer buf) {
        return buf.get(0);
    }

    public static long id(ByteBuffer buf) {
        return buf.order(ByteOrder.LITTLE_ENDIAN).getLong(1);
    }

    /** The serving worker's index, 0..255. */
    public static int worker(ByteBuffer buf) {
        return Byte.toUnsignedInt(buf.get(HEADER_BYTES));
    }
}
