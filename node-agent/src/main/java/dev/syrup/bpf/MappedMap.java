package dev.syrup.bpf;

import dev.syrup.error.DomainException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A BPF array map (declared with SYRUP_MMAP_ARRAY) mapped into this process: the application
 * updates it with atomic memory operations, no system call per update, and the policy sees the
 * values at once. Element i starts at i * stride().
 */
public final class MappedMap implements AutoCloseable {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final int BPF_F_MMAPABLE = 1 << 10;
    private static final int ARRAY = 2;

    private final ByteBuffer buffer;
    private final int stride;
    private final int entries;
    private boolean closed;

    private MappedMap(ByteBuffer buffer, int stride, int entries) {
        this.buffer = buffer.order(ByteOrder.nativeOrder());
        this.stride = stride;
        this.entries = entries;
    }

    /** of maps map (which it leaves open for the caller to close). */
    /** open maps the array pinned at pin (SyrupClient.mapPin tells where) into this process. */
    public static MappedMap open(Path pin) {
        try (BpfMap m = new BpfMap(Bpf.open(pin))) {
            return of(m);
        }
    }

    public static MappedMap of(BpfMap map) {
        BpfMap.Info info = map.info();
        if (info.type() != ARRAY || (info.flags() & BPF_F_MMAPABLE) == 0) {
            throw DomainException.invalid("the map is not an array declared with SYRUP_MMAP_ARRAY (type "
                    + info.type() + ", flags " + info.flags() + ")");
        }
        int stride = (info.valueSize() + 7) & ~7;
        return new MappedMap(Bpf.mmap(map.fd().get(), (long) stride * info.maxEntries()), stride, info.maxEntries());
    }

    /** The whole array, in the machine's byte order. */
    public ByteBuffer buffer() { return buffer; }

    public int stride() { return stride; }

    public int entries() { return entries; }

    public int getInt(int byteOffset) { return (int) INT.getVolatile(buffer, byteOffset); }

    /** getAndAddInt adds delta atomically and returns the value before. */
    public int getAndAddInt(int byteOffset, int delta) { return (int) INT.getAndAdd(buffer, byteOffset, delta); }

    /** decrementIfPositive lowers the value by one unless it is 0; tells whether it did. */
    public boolean decrementIfPositive(int byteOffset) {
        while (true) {
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
            Bpf.munmap(buffer);
        }
    }
}
