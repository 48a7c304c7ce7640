package dev.syrup.policy.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts of a relocatable ELF64 file (a clang BPF object) the inspector reads: section headers,
 * the symbol table and the relocation sections. Every offset is checked against the file, so a
 * malformed object fails with {@link MalformedObjectException}, never with an index error.
 */
public final class ElfFile {
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_REL = 9;
    public static final int SHT_NOBITS = 8;
    public static final long SHF_EXECINSTR = 0x4;
    public static final int SHN_UNDEF = 0;
    public static final int STT_SECTION = 3;
    public static final int STT_FUNC = 2;
    private static final int ET_REL = 1;
    private static final int EM_BPF = 247;

    /** A section header. */
    public record Section(int index, String name, int type, long flags, long offset, long size, int link, int info) {
        public boolean executable() { return (flags & SHF_EXECINSTR) != 0; }
    }

    /** A symbol: section is the index of the section it is defined in (0: undefined, an extern). */
    public record Symbol(int index, String name, int type, int bind, int section, long value, long size) {}

    /** A relocation of section target at byte offset, against symbol. */
    public record Relocation(int target, long offset, Symbol symbol, int type) {}

    private final ByteBuffer data;
    private final List<Section> sections = new ArrayList<>();
    private final List<Symbol> symbols = new ArrayList<>();
    private final List<Relocation> relocations = new ArrayList<>();

    private ElfFile(byte[] bytes) {
        this.data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        readHeader();
        readSymbols();
        readRelocations();
    }

    /** Parses an object file's bytes. */
    public static ElfFile parse(byte[] bytes) { return new ElfFile(bytes); }

    private void readHeader() {
        check(data.capacity() >= 64, "shorter than an ELF header");
        check(data.get(0) == 0x7f && data.get(1) == 'E' && data.get(2) == 'L' && data.get(3) == 'F', "not an ELF file");
        check(data.get(4) == 2 && data.get(5) == 1, "not a little-endian 64-bit ELF file");
        check(u16(16) == ET_REL && u16(18) == EM_BPF, "not a relocatable BPF object");
        long shoff = data.getLong(40);
        int shentsize = u16(58);
        int shnum = u16(60);
        int shstrndx = u16(62);
        check(shentsize == 64 && shstrndx < shnum, "bad section header table");
        check(shoff >= 0 && shoff + (long) shnum * 64 <= data.capacity(), "section headers past the end of the file");
        List<long[]> raw = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int at = (int) (shoff + i * 64L);
            raw.add(new long[] {u32(at), u32(at + 4), data.getLong(at + 8), data.getLong(at + 24),
                    data.getLong(at + 32), u32(at + 40), u32(at + 44)});
        }
        long[] names = raw.get(shstrndx);
        for (int i = 0; i < shnum; i++) {
            long[] s = raw.get(i);
            if (s[1] != SHT_NOBITS && s[4] > 0)
                check(s[3] >= 0 && s[4] >= 0 && s[3] + s[4] <= data.capacity(), "section " + i + " past the end of the file");
            sections.add(new Section(i, string(names[3], names[4], s[0]), (int) s[1], s[2], s[3], s[4], (int) s[5], (int) s[6]));
        }
    }

    private void readSymbols() {
        Optional<Section> symtab = sections.stream().filter(s -> s.type() == SHT_SYMTAB).findFirst();
        if (symtab.isEmpty())
            return;
        Section st = symtab.get();
        check(st.link() < sections.size(), "bad symbol string table");
        Section strtab = sections.get(st.link());
        for (int i = 0; i < st.size() / 24; i++) {
            int at = (int) (st.offset() + i * 24L);
            long name = u32(at);
            int info = data.get(at + 4) & 0xff;
            int shndx = u16(at + 6);
            symbols.add(new Symbol(i, string(strtab.offset(), strtab.size(), name), info & 0xf, info >> 4, shndx,
                    data.getLong(at + 8), data.getLong(at + 16)));
        }
    }

    private void readRelocations() {
        for (Section s : sections) {
            if (s.type() != SHT_REL)
                continue;
            check(s.info() < sections.size(), "relocation section " + s.name() + " names no section");
            for (int i = 0; i < s.size() / 16; i++) {
                int at = (int) (s.offset() + i * 16L);
                long info = data.getLong(at + 8);
                int sym = (int) (info >>> 32);
                check(sym < symbols.size(), "relocation against a symbol that does not exist");
                relocations.add(new Relocation(s.info(), data.getLong(at), symbols.get(sym), (int) info));
            }
        }
    }

    public List<Section> sections() { return sections; }

    public List<Symbol> symbols() { return symbols; }

    public List<Relocation> relocations() { return relocations; }

    public Optional<Section> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The name of section index i ("" for the null section or an index out of range). */
    public String sectionName(int i) { return i > 0 && i < sections.size() ? sections.get(i).name() : ""; }

    /** A copy of a section's contents (empty for a section without bytes in the file). */
    public byte[] contents(Section s) {
        if (s.type() == SHT_NOBITS)
            return new byte[0];
        byte[] out = new byte[(int) s.size()];
        data.get((int) s.offset(), out);
        return out;
    }

    private String string(long tableOffset, long tableSize, long at) {
        check(at < tableSize, "string offset past its table");
        int start = (int) (tableOffset + at);
        int end = start;
        while (end < tableOffset + tableSize && data.get(end) != 0)
            end++;
        byte[] b = new byte[end - start];
        data.get(start, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private int u16(int at) { return data.getShort(at) & 0xffff; }

    private long u32(int at) { return data.getInt(at) & 0xffffffffL; }

    public static void check(boolean ok, String what) {
        if (!ok)
            throw new MalformedObjectException(what);
    }
}
