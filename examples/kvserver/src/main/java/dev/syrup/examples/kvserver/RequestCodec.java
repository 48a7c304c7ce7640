package dev.syrup.examples.kvserver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The demo's datagrams. A request is a type byte ('G' GET, 'S' SCAN) and a u64 request id
 * (little-endian), padded to 16 bytes. A reply echoes those 9 bytes, adds the index of the worker
 * that served the request, and is padded to 16 bytes.
 */
public final class RequestCodec {
    public static final byte GET = 'G';
    public static final byte SCAN = 'S';
    public static final int TYPE_OFFSET = 0;
    public static final int ID_OFFSET = 1;
    public static final int WORKER_OFFSET = 9;
    /** Type and id: what a reply echoes. */
    public static final int HEADER_BYTES = 9;
    public static final int REQUEST_BYTES = 16;
    public static final int REPLY_BYTES = 16;

    /** A decoded reply. */
    public record Reply(byte type, long id, int worker) {}

    private RequestCodec() {}

    /**
     * The type byte of a received datagram (positions 0..limit), or 0 if it is too short to be a
     * request. Any other byte is returned as is: the caller decides what it does not serve.
     */
    public static byte type(ByteBuffer datagram) {
        return datagram.limit() < HEADER_BYTES ? 0 : datagram.get(TYPE_OFFSET);
    }

    /**
     * Whether a counting policy counted this datagram as a SCAN: it reads the first payload byte
     * and nothing else, so any datagram starting with 'S' counts, whatever its length.
     */
    public static boolean countedAsScan(ByteBuffer datagram) {
        return datagram.limit() >= 1 && datagram.get(TYPE_OFFSET) == SCAN;
    }

    /** Writes the reply to request (at least HEADER_BYTES long) into out, ready to send. */
    public static void reply(ByteBuffer request, int worker, ByteBuffer out) {
        out.clear();
        for (int i = 0; i < HEADER_BYTES; i++) {
            out.put(i, request.get(i));
        }
        out.put(WORKER_OFFSET, (byte) worker);
        for (int i = WORKER_OFFSET + 1; i < REPLY_BYTES; i++) {
            out.put(i, (byte) 0);
        }
        out.limit(REPLY_BYTES);
    }

    /** Writes a request into out, ready to send. */
    public static void request(byte type, long id, ByteBuffer out) {
        out.clear();
        out.put(TYPE_OFFSET, type);
        out.order(ByteOrder.LITTLE_ENDIAN).putLong(ID_OFFSET, id);
        for (int i = HEADER_BYTES; i < REQUEST_BYTES; i++) {
            out.put(i, (byte) 0);
        }
        out.limit(REQUEST_BYTES);
    }

    /** Decodes a received reply (positions 0..limit). */
    public static Reply decodeReply(ByteBuffer in) {
        if (in.limit() < WORKER_OFFSET + 1) {
            throw new IllegalArgumentException("a reply has at least " + (WORKER_OFFSET + 1) + " bytes, got " + in.limit());
        }
        long id = in.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(ID_OFFSET);
        return new Reply(in.get(TYPE_OFFSET), id, in.get(WORKER_OFFSET) & 0xff);
    }
}
