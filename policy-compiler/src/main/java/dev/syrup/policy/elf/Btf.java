package dev.syrup.policy.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The type information of a BPF object (.BTF), as far as the inspector needs it: the variables of
 * each data section (DATASEC) and the BTF-defined maps of ".maps", whose attributes libbpf's
 * __uint / __type macros encode as pointer-to-array and pointer-to-type members.
 */
public final class Btf {
    public static final int INT = 1, PTR = 2, ARRAY = 3, STRUCT = 4, UNION = 5, ENUM = 6, FWD = 7, TYPEDEF = 8,
            VOLATILE = 9, CONST = 10, RESTRICT = 11, FUNC = 12, FUNC_PROTO = 13, VAR = 14, DATASEC = 15,
            FLOAT = 16, DECL_TAG = 17, TYPE_TAG = 18, ENUM64 = 19;
    private static final int MAGIC = 0xeb9f;
    private static final int MAX_DEPTH = 32;

    /** A type: its kind, name, size-or-type field and kind-specific data (members, array info). */
    public record Type(int kind, String name, int vlen, long sizeOrType, long[] extra, List<Member> members) {}

    /** A member of a struct or union, or a variable of a data section (then offset is its offset). */
    public record Member(String name, long type, long offset) {}

    private final List<Type> types = new ArrayList<>();
    private final ByteBuffer b;
    private final long strOff, strLen;

    private Btf(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        this.b = b;
        ElfFile.check(bytes.length >= 24 && (b.getShort(0) & 0xffff) == MAGIC, "no valid .BTF header");
        long hdrLen = u32(b, 4);
        long typeOff = hdrLen + u32(b, 8), typeLen = u32(b, 12);
        long strOff = hdrLen + u32(b, 16), strLen = u32(b, 20);
        this.strOff = strOff;
        this.strLen = strLen;
        ElfFile.check(typeOff + typeLen <= bytes.length && strOff + strLen <= bytes.length, ".BTF sections past its end");
        types.add(new Type(0, "", 0, 0, new long[0], List.of())); // id 0: void
        int at = (int) typeOff;
        int end = (int) (typeOff + typeLen);
        while (at < end) {
            ElfFile.check(at + 12 <= end, "truncated .BTF type");
            String name = string(b, strOff, strLen, u32(b, at));
            long info = u32(b, at + 4);
            int vlen = (int) (info & 0xffff);
            int kind = (int) ((info >> 24) & 0x1f);
            long sizeOrType = u32(b, at + 8);
            at += 12;
            long[] extra = new long[0];
            List<Member> members = List.of();
            switch (kind) {
                case INT, VAR, DECL_TAG -> {
                    extra = new long[] {u32(b, at)};
                    at += 4;
                }
                case ARRAY -> {
                    extra = new long[] {u32(b, at), u32(b, at + 4), u32(b, at + 8)}; // type, index type, nelems
                    at += 12;
                }
                case STRUCT, UNION, DATASEC -> {
                    members = new ArrayList<>();
                    for (int i = 0; i < vlen; i++, at += 12) {
                        ElfFile.check(at + 12 <= end, "truncated .BTF members");
                        members.add(kind == DATASEC
                                ? new Member(null, u32(b, at), u32(b, at + 4))
                                : new Member(string(b, strOff, strLen, u32(b, at)), u32(b, at + 4), u32(b, at + 8)));
                    }
                }
                case ENUM, FUNC_PROTO -> at += 8 * vlen;
                case ENUM64 -> at += 12 * vlen;
                case PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG -> { }
                default -> throw new MalformedObjectException("unknown .BTF kind " + kind);
            }
            types.add(new Type(kind, name, vlen, sizeOrType, extra, members));
        }
    }

    /** Parses the contents of a .BTF section. */
    public static Btf parse(byte[] bytes) { return new Btf(bytes); }

    /** The string at offset at of the string table (.BTF.ext names its sections and files there). */
    public String string(long at) { return string(b, strOff, strLen, at); }

    public Type type(long id) {
        ElfFile.check(id >= 0 && id < types.size(), ".BTF type id " + id + " out of range");
        return types.get((int) id);
    }

    /** The type id with typedefs and qualifiers taken off. */
    public long resolve(long id) {
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            Type t = type(id);
            switch (t.kind()) {
                case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG -> id = t.sizeOrType();
                default -> {
                    return id;
                }
            }
        }
        throw new MalformedObjectException(".BTF type chain too long");
    }

    /** The size in bytes of a type. */
    public long size(long id) {
        Type t = type(resolve(id));
        return switch (t.kind()) {
            case INT, STRUCT, UNION, ENUM, ENUM64, FLOAT, DATASEC -> t.sizeOrType();
            case PTR -> 8;
            case ARRAY -> t.extra()[2] * size(t.extra()[0]);
            default -> 0;
        };
    }

    /** The names of the variables and functions a data section (e.g. ".maps", ".kconfig", ".ksyms") declares. */
    public List<String> datasecVariables(String section) {
        return datasec(section).map(t -> t.members().stream().map(m -> type(m.type()).name()).toList()).orElse(List.of());
    }

    /** Whether the object's types name a function (defined or only declared) called name. */
    public boolean hasFunction(String name) {
        return types.stream().anyMatch(t -> t.kind() == FUNC && t.name().equals(name));
    }

    private Optional<Type> datasec(String section) {
        return types.stream().filter(t -> t.kind() == DATASEC && t.name().equals(section)).findFirst();
    }

    /** The maps of ".maps", by name, as the object defines them. */
    public Map<String, MapDefinition> maps() {
        Map<String, MapDefinition> out = new LinkedHashMap<>();
        Optional<Type> sec = datasec(".maps");
        if (sec.isEmpty())
            return out;
        for (Member m : sec.get().members()) {
            Type var = type(m.type());
            ElfFile.check(var.kind() == VAR, "a .maps entry that is not a variable");
            out.put(var.name(), mapDefinition(var.name(), var.sizeOrType()));
        }
        return out;
    }

    private MapDefinition mapDefinition(String name, long structId) {
        Type def = type(resolve(structId));
        ElfFile.check(def.kind() == STRUCT, "map " + name + " is not defined by a struct");
        Map<String, Long> numbers = new LinkedHashMap<>();
        long keySize = -1, valueSize = -1;
        List<String> other = new ArrayList<>();
        for (Member f : def.members()) {
            Type ft = type(resolve(f.type()));
            switch (f.name()) {
                case "key" -> keySize = pointee(ft).map(this::size).orElse(-1L);
                case "value" -> valueSize = pointee(ft).map(this::size).orElse(-1L);
                default -> {
                    Optional<Long> n = number(ft);
                    if (n.isPresent())
                        numbers.put(f.name(), n.get());
                    else
                        other.add(f.name()); // e.g. "values" of a map-in-map or a program array
                }
            }
        }
        if (keySize < 0 && numbers.containsKey("key_size"))
            keySize = numbers.remove("key_size");
        if (valueSize < 0 && numbers.containsKey("value_size"))
            valueSize = numbers.remove("value_size");
        return new MapDefinition(name, numbers.getOrDefault("type", 0L), Math.max(keySize, 0), Math.max(valueSize, 0),
                numbers.getOrDefault("max_entries", 0L), numbers.getOrDefault("map_flags", 0L),
                numbers.containsKey("pinning"), numbers.keySet().stream()
                        .filter(k -> !List.of("type", "max_entries", "map_flags", "pinning").contains(k)).toList(),
                List.copyOf(other));
    }

    private Optional<Long> pointee(Type ptr) {
        return ptr.kind() == PTR ? Optional.of(ptr.sizeOrType()) : Optional.empty();
    }

    /** The number __uint(name, n) encodes: a pointer to an array of n ints. */
    private Optional<Long> number(Type ptr) {
        if (ptr.kind() != PTR)
            return Optional.empty();
        Type arr = type(resolve(ptr.sizeOrType()));
        return arr.kind() == ARRAY ? Optional.of(arr.extra()[2]) : Optional.empty();
    }

    private static String string(ByteBuffer b, long strOff, long strLen, long at) {
        ElfFile.check(at < strLen, ".BTF string offset past its table");
        int start = (int) (strOff + at);
        int end = start;
        while (end < strOff + strLen && b.get(end) != 0)
            end++;
        byte[] out = new byte[end - start];
        b.get(start, out);
        return new String(out, StandardCharsets.UTF_8);
    }

    public static long u32(ByteBuffer b, int at) { return b.getInt(at) & 0xffffffffL; }
}
