package dev.syrup.policy.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The line info of .BTF.ext: for each code section, which source file and line each instruction
 * came from (the lines the verifier quotes). The inspector uses it to name the policy's line of an
 * offending instruction.
 */
public final class BtfLineInfo {
    private static final int MAGIC = 0xeb9f;

    /** The source position of the instructions from byte offset insnOffset of a section on. */
    public record Line(long insnOffset, String file, int line) {}

    private final Map<String, List<Line>> bySection = new LinkedHashMap<>();

    private BtfLineInfo(byte[] ext, Btf btf) {
        ByteBuffer b = ByteBuffer.wrap(ext).order(ByteOrder.LITTLE_ENDIAN);
        ElfFile.check(ext.length >= 24 && (b.getShort(0) & 0xffff) == MAGIC, "no valid .BTF.ext header");
        long hdrLen = Btf.u32(b, 4);
        long start = hdrLen + Btf.u32(b, 16);
        long len = Btf.u32(b, 20);
        ElfFile.check(start + len <= ext.length, ".BTF.ext line info past its end");
        if (len == 0)
            return;
        int at = (int) start;
        int end = (int) (start + len);
        long recSize = Btf.u32(b, at);
        ElfFile.check(recSize >= 16, ".BTF.ext line records too small");
        at += 4;
        while (at < end) {
            ElfFile.check(at + 8 <= end, "truncated .BTF.ext line info");
            String section = btf.string(Btf.u32(b, at));
            long n = Btf.u32(b, at + 4);
            at += 8;
            ElfFile.check(at + n * recSize <= end, "truncated .BTF.ext line records");
            List<Line> lines = bySection.computeIfAbsent(section, k -> new ArrayList<>());
            for (long i = 0; i < n; i++, at += (int) recSize) {
                long lineCol = Btf.u32(b, at + 12);
                lines.add(new Line(Btf.u32(b, at), btf.string(Btf.u32(b, at + 4)), (int) (lineCol >>> 10)));
            }
        }
    }

    /** Parses .BTF.ext's contents; its strings are in btf's string table. */
    public static BtfLineInfo parse(byte[] ext, Btf btf) { return new BtfLineInfo(ext, btf); }

    /** The source position of the instruction at byte offset insnOffset of section. */
    public Optional<Line> at(String section, long insnOffset) {
        Line best = null;
        for (Line l : bySection.getOrDefault(section, List.of())) {
            if (l.insnOffset() <= insnOffset && (best == null || l.insnOffset() >= best.insnOffset()))
                best = l;
        }
        return Optional.ofNullable(best);
    }

    /** Every line record of a section, in the object's order. */
    public List<Line> lines(String section) { return bySection.getOrDefault(section, List.of()); }
}
