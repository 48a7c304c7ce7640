package dev.syrup.bpf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * STAND-IN until the real MappedMap is merged; remove then (same API: buffer, stride, entries,
 * getAndAddInt, getInt, decrementIfPositive).
 *
 * A BPF_F_MMAPABLE array mapped into this process: element i starts at i * stride(), stride being
 * the value size rounded up to 8 bytes. Reads and atomic updates need no system call.
 */
public final class MappedMap implements AutoCloseable {
    private static final int BPF_MAP_TYPE_ARRAY = 2;
    private static final int BPF_F_MMAPABLE = 1 << 10;
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    static {
        NativeLibrary.ensureAvailable();
    }

    private final ByteBuffer buffer;
    private final int stride;
    private final int entries;
    private final long length;
    private boolean closed;

    private MappedMap(ByteBuffer buffer, int stride, int entries, long length) {
        this.buffer = buffer.order(ByteOrder.nativeOrder());
        this.stride = stride;
        this.entries = entries;
        this.length = length;
    }

    /** Maps the array pinned at pin. */
    public static MappedMap open(Path pin) {
        try (BpfMap map = new BpfMap(Bpf.open(pin))) {
            BpfMap.Info info = map.info();
            if (info.type() != BPF_MAP_TYPE_ARRAY || (info.flags() & BPF_F_MMAPABLE) == 0) {
                throw new IllegalArgumentException(pin + " is not an mmapable array (type " + info.type()
                        + ", flags 0x" + Integer.toHexString(info.flags()) + ")");
            }
            int stride = (info.valueSize() + 7) & ~7;
            long length = (long) stride * info.maxEntries();
            return new MappedMap(map(map.fd().get(), length), stride, info.maxEntries(), length);
        }
    }

    /** The whole array, native byte order. Invalid after close. */
    public ByteBuffer buffer() { return buffer; }

    public int stride() { return stride; }

    public int entries() { return entries; }

    public int getAndAddInt(int byteOffset, int delta) { return (int) INT.getAndAdd(buffer, byteOffset, delta); }

    public int getInt(int byteOffset) { return (int) INT.getVolatile(buffer, byteOffset); }

    /** Decrements the int at byteOffset unless it is 0 (or below); whether it did. */
    public boolean decrementIfPositive(int byteOffset) {
        for (;;) {
            int v = getInt(byteOffset);
            if (v <= 0) {
                return false;
            }
            if (INT.compareAndSet(buffer, byteOffset, v, v - 1)) {
                return true;
            }
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            unmap(buffer, length);
        }
    }

    private static native ByteBuffer map(int fd, long length);

    private static native void unmap(ByteBuffer buffer, long length);
}
