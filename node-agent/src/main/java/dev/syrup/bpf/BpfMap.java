package dev.syrup.bpf;

import dev.syrup.error.DomainException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A BPF map: raw byte keys and values in the machine's byte order. Owns its descriptor. */
public final class BpfMap implements AutoCloseable {
    public static final long ANY = 0;
    public static final long NOEXIST = 1;
    public static final long EXIST = 2;

    /** Map types whose values are per CPU (kernel enum bpf_map_type). */
    private static final List<Integer> PER_CPU_TYPES = List.of(5 /* PERCPU_HASH */, 6 /* PERCPU_ARRAY */,
            10 /* LRU_PERCPU_HASH */, 21 /* PERCPU_CGROUP_STORAGE */);

    private final Fd fd;
    private final Info info;

    public BpfMap(Fd fd) {
        this.fd = fd;
        long[] v = Bpf.mapInfo(fd.get());
        this.info = new Info((int) v[0], (int) v[1], (int) v[2], (int) v[3], (int) v[4], (int) v[5]);
    }

    public Fd fd() { return fd; }

    public Info info() { return info; }

    public boolean isPerCpu() { return PER_CPU_TYPES.contains(info.type); }

    /** Bytes of one value as user space sees it: per-CPU maps hold one 8-byte-aligned slot per CPU. */
    public int valueBytes() {
        return isPerCpu() ? ((info.valueSize + 7) & ~7) * Bpf.possibleCpuCount() : info.valueSize;
    }

    public Optional<byte[]> lookup(byte[] key) {
        byte[] value = new byte[valueBytes()];
        int r = Bpf.mapLookup(fd.get(), checkKey(key), value);
        if (r == -Errno.ENOENT) {
            return Optional.empty();
        }
        BpfException.check("bpf_map_lookup_elem", r);
        return Optional.of(value);
    }

    public void update(byte[] key, byte[] value, long flags) {
        if (value.length != valueBytes()) {
            throw DomainException.invalid("value is " + value.length + " bytes; the map's values are " + valueBytes());
        }
        BpfException.check("bpf_map_update_elem", Bpf.mapUpdate(fd.get(), checkKey(key), value, flags));
    }

    public void update(byte[] key, byte[] value) { update(key, value, ANY); }

    /** delete returns false if the key was absent. */
    public boolean delete(byte[] key) {
        int r = Bpf.mapDelete(fd.get(), checkKey(key));
        if (r == -Errno.ENOENT) {
            return false;
        }
        BpfException.check("bpf_map_delete_elem", r);
        return true;
    }

    public List<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>();
        byte[] key = null;
        while (true) {
            byte[] next = new byte[info.keySize];
            int r = Bpf.mapNextKey(fd.get(), key, next);
            if (r == -Errno.ENOENT) {
                return keys;
            }
            BpfException.check("bpf_map_get_next_key", r);
            keys.add(next);
            key = next;
        }
    }

    /** Sum over CPUs of a per-CPU u64 value; the value itself for a plain map. */
    public long lookupU64Sum(int key) {
        return lookup(u32(key)).map(v -> {
            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder());
            long sum = 0;
            while (b.remaining() >= 8) {
                sum += b.getLong();
            }
            return sum;
        }).orElse(0L);
    }

    /** Per-CPU u64 values of key, indexed by CPU. */
    public long[] lookupU64PerCpu(int key) {
        byte[] v = lookup(u32(key)).orElse(new byte[valueBytes()]);
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder());
        long[] out = new long[v.length / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getLong();
        }
        return out;
    }

    public void updateU32(int key, int value) { update(u32(key), u32(value)); }

    public static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    public static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array();
    }

    private byte[] checkKey(byte[] key) {
        if (key.length != info.keySize) {
            throw DomainException.invalid("key is " + key.length + " bytes; the map's keys are " + info.keySize);
        }
        return key;
    }

    @Override
    public void close() { fd.close(); }

    /** The kernel's description of a map. */
    public record Info(int type, int keySize, int valueSize, int maxEntries, int flags, int id) {}
}
