package dev.syrup.operator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory a compiled policy's maps ask for, read from the object's BTF (the ".maps" data section libbpf
 * creates maps from): per map max_entries x (key size + value size); per-CPU maps count their value
 * {@value #PER_CPU_COPIES} times (the operator does not know the nodes' CPU counts); ring buffers count
 * max_entries bytes. Every map of the object counts, the hook wrapper's own small maps included: it is what a
 * deployment of the policy creates.
 */
public final class MapFootprint {
    /** How many copies of a per-CPU map's value are counted. */
    public static final int PER_CPU_COPIES = 64;
    private static final int BTF_MAGIC = 0xEB9F;
    private static final int KIND_INT = 1, KIND_PTR = 2, KIND_ARRAY = 3, KIND_STRUCT = 4, KIND_UNION = 5, KIND_ENUM = 6,
            KIND_TYPEDEF = 8, KIND_VOLATILE = 9, KIND_CONST = 10, KIND_RESTRICT = 11, KIND_FUNC_PROTO = 13, KIND_VAR = 14,
            KIND_DATASEC = 15, KIND_FLOAT = 16, KIND_DECL_TAG = 17, KIND_TYPE_TAG = 18, KIND_ENUM64 = 19;
    private static final int MAP_PERCPU_HASH = 5, MAP_PERCPU_ARRAY = 6, MAP_LRU_PERCPU_HASH = 10, MAP_PERCPU_CGROUP_STORAGE = 21,
            MAP_RINGBUF = 27, MAP_USER_RINGBUF = 31;

    private MapFootprint() {}

    /** Total map bytes of the object file. */
    public static long of(Path object) {
        try {
            return of(Files.readAllBytes(object));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Total map bytes of an ELF BPF object; 0 when it has no maps. */
    public static long of(byte[] elf) {
        ByteBuffer btf = btfSection(ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN));
        return btf == null ? 0 : new Btf(btf).mapBytes();
    }

    /** The .BTF section of a little-endian ELF64 object, or null. */
    private static ByteBuffer btfSection(ByteBuffer elf) {
        if (elf.limit() < 64 || elf.getInt(0) != 0x464c457f || elf.get(4) != 2 || elf.get(5) != 1) {
            throw new IllegalArgumentException("not a little-endian ELF64 object");
        }
        long shoff = elf.getLong(0x28);
        int shentsize = Short.toUnsignedInt(elf.getShort(0x3A));
        int shnum = Short.toUnsignedInt(elf.getShort(0x3C));
        int shstrndx = Short.toUnsignedInt(elf.getShort(0x3E));
        long strOff = elf.getLong((int) (shoff + (long) shstrndx * shentsize + 0x18));
        for (int i = 0; i < shnum; i++) {
            int sh = (int) (shoff + (long) i * shentsize);
            String name = cString(elf, (int) (strOff + elf.getInt(sh)));
            if (name.equals(".BTF")) {
                int off = (int) elf.getLong(sh + 0x18);
                int size = (int) elf.getLong(sh + 0x20);
                return elf.slice(off, size).order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        return null;
    }

    private static String cString(ByteBuffer b, int at) {
        int end = at;
        while (end < b.limit() && b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - at];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The type section of a BTF blob, indexed by type id (1-based). */
    private static final class Btf {
        private final ByteBuffer b;
        private final int strStart;
        private final int[] kind, vlen, nameOff, sizeOrType, data;

        Btf(ByteBuffer b) {
            this.b = b;
            if (Short.toUnsignedInt(b.getShort(0)) != BTF_MAGIC) {
                throw new IllegalArgumentException("bad BTF magic");
            }
            int hdrLen = b.getInt(4);
            int typeStart = hdrLen + b.getInt(8);
            int typeEnd = typeStart + b.getInt(12);
            strStart = hdrLen + b.getInt(16);
            int n = 0;
            for (int p = typeStart; p < typeEnd; p = next(p)) {
                n++;
            }
            kind = new int[n + 1];
            vlen = new int[n + 1];
            nameOff = new int[n + 1];
            sizeOrType = new int[n + 1];
            data = new int[n + 1];
            int id = 1;
            for (int p = typeStart; p < typeEnd; p = next(p), id++) {
                int info = b.getInt(p + 4);
                nameOff[id] = b.getInt(p);
                kind[id] = (info >>> 24) & 0x1f;
                vlen[id] = info & 0xffff;
                sizeOrType[id] = b.getInt(p + 8);
                data[id] = p + 12;
            }
        }

        private int next(int p) {
            int info = b.getInt(p + 4);
            int k = (info >>> 24) & 0x1f;
            int v = info & 0xffff;
            int extra = switch (k) {
                case KIND_INT, KIND_VAR, KIND_DECL_TAG -> 4;
                case KIND_ARRAY -> 12;
                case KIND_STRUCT, KIND_UNION, KIND_DATASEC, KIND_ENUM64 -> 12 * v;
                case KIND_ENUM, KIND_FUNC_PROTO -> 8 * v;
                default -> 0;
            };
            return p + 12 + extra;
        }

        private String name(int id) { return cString(b, strStart + nameOff[id]); }

        long mapBytes() {
            long total = 0;
            for (int id = 1; id < kind.length; id++) {
                if (kind[id] == KIND_DATASEC && name(id).equals(".maps")) {
                    for (int i = 0; i < vlen[id]; i++) {
                        int var = b.getInt(data[id] + 12 * i);
                        total += mapBytes(strip(sizeOrType[var]));
                    }
                }
            }
            return total;
        }

        /** One map definition: a struct whose members encode the attributes (__uint as int (*)[N], __type as T *). */
        private long mapBytes(int struct) {
            if (kind[struct] != KIND_STRUCT) {
                return 0;
            }
            long type = 0, maxEntries = 0, keySize = 0, valueSize = 0;
            for (int i = 0; i < vlen[struct]; i++) {
                int m = data[struct] + 12 * i;
                String member = cString(b, strStart + b.getInt(m));
                int t = strip(b.getInt(m + 4));
                switch (member) {
                    case "type" -> type = uintValue(t);
                    case "max_entries" -> maxEntries = uintValue(t);
                    case "key_size" -> keySize = uintValue(t);
                    case "value_size" -> valueSize = uintValue(t);
                    case "key" -> keySize = kind[t] == KIND_PTR ? size(sizeOrType[t]) : 0;
                    case "value" -> valueSize = kind[t] == KIND_PTR ? size(sizeOrType[t]) : 0;
                    default -> { }
                }
            }
            if (type == MAP_RINGBUF || type == MAP_USER_RINGBUF) {
                return maxEntries;
            }
            boolean perCpu = type == MAP_PERCPU_HASH || type == MAP_PERCPU_ARRAY || type == MAP_LRU_PERCPU_HASH
                    || type == MAP_PERCPU_CGROUP_STORAGE;
            long value = perCpu ? (valueSize + 7) / 8 * 8 * PER_CPU_COPIES : valueSize;
            return maxEntries * (keySize + value);
        }

        /** __uint(name, N) is a pointer to an array of N ints. */
        private long uintValue(int ptr) {
            if (kind[ptr] != KIND_PTR) {
                return 0;
            }
            int arr = strip(sizeOrType[ptr]);
            return kind[arr] == KIND_ARRAY ? Integer.toUnsignedLong(b.getInt(data[arr] + 8)) : 0;
        }

        private long size(int id) {
            id = strip(id);
            return switch (kind[id]) {
                case KIND_INT, KIND_STRUCT, KIND_UNION, KIND_ENUM, KIND_ENUM64, KIND_FLOAT -> Integer.toUnsignedLong(sizeOrType[id]);
                case KIND_PTR -> 8;
                case KIND_ARRAY -> Integer.toUnsignedLong(b.getInt(data[id] + 8)) * size(b.getInt(data[id]));
                default -> 0;
            };
        }

        /** Follows typedefs, qualifiers and variables to the type they name. */
        private int strip(int id) {
            for (int hops = 0; id > 0 && id < kind.length && hops < 64; hops++) {
                int k = kind[id];
                if (k == KIND_TYPEDEF || k == KIND_VOLATILE || k == KIND_CONST || k == KIND_RESTRICT || k == KIND_TYPE_TAG
                        || k == KIND_VAR) {
                    id = sizeOrType[id];
                } else {
                    break;
                }
            }
            return id > 0 && id < kind.length ? id : 0; // type 0 is void: no size
        }
    }
}
