package dev.syrup.policy;


import dev.syrup.policy.elf.BpfHelpers;
import dev.syrup.policy.elf.Btf;
import dev.syrup.policy.elf.BtfLineInfo;
import dev.syrup.policy.elf.ElfFile;
import dev.syrup.policy.elf.MalformedObjectException;
import dev.syrup.policy.elf.MapDefinition;
import dev.syrup.policy.elf.PossibleCpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a policy's compiled hook object before it may be cached or loaded, and refuses one that asks
 * for more than scheduling its own inputs: programs or sections the SDK does not produce, maps other
 * than the SDK's types or larger than the limit, pinning attributes, kernel symbol and kconfig
 * externs, kfunc calls, and calls of helpers outside the hook's allow-list (read from the
 * instructions, so a helper called by number is a helper too). Refusals are
 * {@link PolicyForbiddenException}s naming the helper, section, map or extern and, where the
 * object's line info points into the policy, its line.
 */
public final class ObjectInspector {
    /** Default limit on the memory of a policy's maps and global data. */
    public static final long DEFAULT_MAX_MAP_BYTES = 64L << 20;
    /** System property that sets the limit in bytes for this process. */
    public static final String MAX_MAP_BYTES_PROPERTY = "syrup.policy.maxMapBytes";

    private final long maxMapBytes;
    private final int possibleCpus;

    /** An inspector with the limit of {@value #MAX_MAP_BYTES_PROPERTY}, or the default. */
    public ObjectInspector() {
        this(Long.getLong(MAX_MAP_BYTES_PROPERTY, DEFAULT_MAX_MAP_BYTES), PossibleCpus.count());
    }

    public ObjectInspector(long maxMapBytes, int possibleCpus) {
        if (maxMapBytes <= 0 || possibleCpus <= 0)
            throw new IllegalArgumentException("map limit and CPU count must be positive");
        this.maxMapBytes = maxMapBytes;
        this.possibleCpus = possibleCpus;
    }

    public long maxMapBytes() { return maxMapBytes; }

    /**
     * inspect checks the object of policy compiled for hook.
     *
     * @return what the loader needs: the policy's own maps, to pin per deployment
     * @throws PolicyForbiddenException if the object breaks a rule
     */
    public Inspection inspect(Path object, PolicySource policy, Hook hook) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(object);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the compiled object " + object, e);
        }
        return inspect(bytes, policy, hook);
    }

    public Inspection inspect(byte[] object, PolicySource policy, Hook hook) {
        try {
            return new Check(object, policy, HookRules.of(hook)).run();
        } catch (MalformedObjectException | IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
            throw new PolicyForbiddenException(policy.name(), -1, "the compiled object cannot be inspected ("
                    + e.getMessage() + "), so it is not loaded");
        }
    }

    /** One inspection of one object. */
    private final class Check {
        private static final Pattern DATA_SECTION = Pattern.compile("\\.(data|rodata|bss)(\\..+)?");
        private static final int LD_IMM64 = 0x18, CALL = 0x85, CALLX = 0x8d;
        private static final int PSEUDO_CALL = 1, PSEUDO_KFUNC_CALL = 2;

        private final ElfFile elf;
        private final Btf btf;
        private final BtfLineInfo lines;
        private final PolicySource policy;
        private final HookRules rules;
        private final String where;

        Check(byte[] object, PolicySource policy, HookRules rules) {
            this.elf = ElfFile.parse(object);
            this.btf = Btf.parse(elf.contents(elf.section(".BTF")
                    .orElseThrow(() -> new MalformedObjectException("no .BTF section"))));
            this.lines = elf.section(".BTF.ext").map(s -> BtfLineInfo.parse(elf.contents(s), btf)).orElse(null);
            this.policy = policy;
            this.rules = rules;
            this.where = "at the " + rules.hook().cliName() + " hook";
        }

        Inspection run() {
            checkSections();
            checkExterns();
            Map<String, MapDefinition> maps = btf.maps();
            List<String> policyMaps = checkMaps(maps);
            for (ElfFile.Section s : elf.sections()) {
                if (s.executable())
                    checkCode(s);
            }
            return new Inspection(policyMaps, mapBytes(maps, policyMaps));
        }

        /** Exactly the hook's program sections, code only in them and .text, no section the SDK does not make. */
        private void checkSections() {
            for (ElfFile.Section s : elf.sections()) {
                String name = s.name();
                if (s.executable()) {
                    if (name.equals(".text"))
                        continue;
                    String program = rules.programs().get(name);
                    List<ElfFile.Symbol> funcs = functionsIn(s);
                    if (program == null) {
                        String fn = funcs.isEmpty() ? "" : " (function " + funcs.get(0).name() + ")";
                        refuse(lineAt(name, 0), "the object has a program section '" + name + "'" + fn
                                + ": a policy " + where + " defines only " + entryPoint()
                                + " and functions it calls, no programs of its own");
                    }
                    boolean exact = funcs.size() == 1 && funcs.get(0).name().equals(program)
                            && funcs.get(0).value() == 0 && funcs.get(0).size() == s.size()
                            && funcs.get(0).bind() == 1;
                    if (!exact)
                        refuse(lineAt(name, 0), "the program section '" + name + "' holds more than the hook's program "
                                + program + ": a policy may not add code to it");
                } else if (!knownSection(name)) {
                    refuse(-1, "the object has a section '" + name + "' that the SDK does not produce"
                            + " (a policy declares maps with the SDK's macros and code in plain functions)");
                }
            }
            for (String section : rules.programs().keySet()) {
                if (elf.section(section).isEmpty())
                    throw new MalformedObjectException("the hook's program section " + section + " is missing");
            }
        }

        private boolean knownSection(String name) {
            if (name.startsWith(".rel")) {
                name = name.substring(4);
                if (DATA_SECTION.matcher(name).matches())
                    return false; // a global initialized with a map's or function's address: libbpf has no use for it
            }
            return name.isEmpty() || name.equals(".text") || rules.programs().containsKey(name)
                    || List.of(".strtab", ".symtab", ".BTF", ".BTF.ext", ".maps", "license", ".llvm_addrsig")
                            .contains(name)
                    || name.startsWith(".debug_") || DATA_SECTION.matcher(name).matches();
        }

        private List<ElfFile.Symbol> functionsIn(ElfFile.Section s) {
            return elf.symbols().stream().filter(y -> y.section() == s.index() && y.type() == ElfFile.STT_FUNC).toList();
        }

        /** No symbol the object leaves to the loader to find: kernel symbols, kfuncs, kconfig values. */
        private void checkExterns() {
            for (ElfFile.Symbol y : elf.symbols()) {
                if (y.section() != ElfFile.SHN_UNDEF || y.name().isEmpty() || y.type() == ElfFile.STT_SECTION)
                    continue;
                boolean kconfig = btf.datasecVariables(".kconfig").contains(y.name());
                boolean ksym = btf.datasecVariables(".ksyms").contains(y.name());
                if (!kconfig && !ksym && btf.hasFunction(y.name())) {
                    // A function the policy declares and calls but never defines: its mistake, said as the loader would.
                    throw new CompileException(policy.name() + ": error: " + y.name() + " is called but not defined;"
                            + " a policy can call only functions it defines and BPF helpers");
                }
                String kind = kconfig ? "a .kconfig extern" : ksym ? "a .ksyms extern (kernel symbol or kfunc)" : "an extern";
                refuse(firstUse(y), "'" + y.name() + "' is " + kind + ": a policy may use no kernel symbols,"
                        + " kernel functions (kfuncs) or kernel configuration values");
            }
        }

        /** The wrapper's maps as the hook defines them; the policy's of the SDK's types, unpinned. */
        private List<String> checkMaps(Map<String, MapDefinition> maps) {
            List<String> policyMaps = new ArrayList<>();
            for (MapDefinition m : maps.values()) {
                MapDefinition own = rules.wrapperMaps().get(m.name());
                if (own != null) {
                    if (!own.sameShape(m))
                        refuse(declarationLine(m.name()), "map '" + m.name() + "' is not the hook's own definition of it");
                    continue;
                }
                int line = declarationLine(m.name());
                boolean sdkType = m.type() == MapDefinition.ARRAY || m.type() == MapDefinition.HASH
                        || m.type() == MapDefinition.PERCPU_ARRAY || m.type() == MapDefinition.PERCPU_HASH;
                if (!sdkType)
                    refuse(line, "map '" + m.name() + "' is a " + m.typeName() + " map: a policy's maps may be array,"
                            + " hash, percpu_array or percpu_hash (SYRUP_ARRAY, SYRUP_MMAP_ARRAY, SYRUP_HASH,"
                            + " SYRUP_PERCPU_ARRAY, SYRUP_PERCPU_HASH)");
                if (m.pinning())
                    refuse(line, "map '" + m.name() + "' has a pinning attribute: the agent pins a policy's maps"
                            + " per deployment, an object may not choose where");
                long allowedFlags = m.type() == MapDefinition.ARRAY ? MapDefinition.F_MMAPABLE : 0;
                if ((m.flags() & ~allowedFlags) != 0)
                    refuse(line, "map '" + m.name() + "' has map_flags 0x" + Long.toHexString(m.flags())
                            + ": a policy's maps may set only BPF_F_MMAPABLE, on an array (SYRUP_MMAP_ARRAY)");
                if (!m.otherMembers().isEmpty() || !m.otherNumbers().isEmpty())
                    refuse(line, "map '" + m.name() + "' sets " + String.join(", ", concat(m.otherMembers(), m.otherNumbers()))
                            + ": a policy's maps have only a type, key, value, max_entries and map_flags");
                policyMaps.add(m.name());
            }
            for (String own : rules.wrapperMaps().keySet()) {
                if (!maps.containsKey(own))
                    throw new MalformedObjectException("the hook's map " + own + " is missing");
            }
            return List.copyOf(policyMaps);
        }

        private long mapBytes(Map<String, MapDefinition> maps, List<String> policyMaps) {
            long total = 0;
            String largest = null;
            long largestBytes = 0;
            for (String name : policyMaps) {
                MapDefinition m = maps.get(name);
                long value = (m.valueSize() + 7) / 8 * 8; // the kernel rounds values up to 8 bytes
                long perEntry = m.perCpu() ? m.keySize() + value * possibleCpus : m.keySize() + value;
                long bytes = saturatingMultiply(perEntry, m.maxEntries());
                total = saturatingAdd(total, bytes);
                if (bytes >= largestBytes) {
                    largestBytes = bytes;
                    largest = name;
                }
            }
            for (ElfFile.Section s : elf.sections()) {
                if (!s.executable() && DATA_SECTION.matcher(s.name()).matches())
                    total = saturatingAdd(total, s.size()); // global variables: one array map per section
            }
            if (total > maxMapBytes) {
                refuse(largest == null ? -1 : declarationLine(largest), "the policy's maps and global variables take "
                        + total + " bytes" + (largest == null ? "" : " (map '" + largest + "': " + largestBytes + ")")
                        + ", more than the limit of " + maxMapBytes + " bytes per policy"
                        + (maps.values().stream().anyMatch(MapDefinition::perCpu)
                                ? " (per-CPU maps count once per possible CPU: " + possibleCpus + ")" : ""));
            }
            return total;
        }

        /**
         * Every instruction of a code section: helper calls against the allow-list that applies to it,
         * no kfunc or indirect calls, no raw map or BTF references, and (in a policy subprogram) no use
         * of the wrapper's maps.
         */
        private void checkCode(ElfFile.Section s) {
            boolean policyCode = !rules.policyIsSubprogram() || s.name().equals(".text");
            byte[] code = elf.contents(s);
            Map<Long, ElfFile.Relocation> relocs = new java.util.HashMap<>();
            for (ElfFile.Relocation r : elf.relocations()) {
                if (r.target() == s.index())
                    relocs.put(r.offset(), r);
            }
            for (int at = 0; at + 8 <= code.length; at += 8) {
                int op = code[at] & 0xff;
                int src = (code[at + 1] & 0xf0) >> 4;
                int imm = (code[at + 4] & 0xff) | (code[at + 5] & 0xff) << 8 | (code[at + 6] & 0xff) << 16
                        | (code[at + 7] & 0xff) << 24;
                ElfFile.Relocation r = relocs.get((long) at);
                if (op == LD_IMM64) {
                    if (src != 0)
                        refuse(lineAt(s.name(), at), "an instruction loads a raw map or kernel reference (ld_imm64 with"
                                + " source " + src + "): only the loader may resolve references, from relocations");
                    if (r != null)
                        checkReference(s, at, r, policyCode);
                    at += 8; // the second half of the 16-byte instruction
                } else if (op == CALL) {
                    if (src == PSEUDO_KFUNC_CALL || r != null && r.symbol().section() == ElfFile.SHN_UNDEF)
                        refuse(lineAt(s.name(), at), "calls the kernel function (kfunc) "
                                + (r != null ? "'" + r.symbol().name() + "'" : "#" + imm) + ": a policy may call BPF helpers "
                                + rules.policyHelperNames() + " " + where + ", and no kernel functions");
                    if (src == PSEUDO_CALL || r != null) {
                        // A call of a function: in the same section (no relocation, imm counts instructions)
                        // or in .text, whose code is all checked as the policy's.
                        long target = at / 8 + 1L + imm;
                        boolean inSection = r == null && target >= 0 && target < code.length / 8;
                        boolean inText = r != null && elf.sectionName(r.symbol().section()).equals(".text");
                        if (src != PSEUDO_CALL || !inSection && !inText)
                            refuse(lineAt(s.name(), at), "calls code outside the object's functions");
                        continue;
                    }
                    if (src != 0)
                        refuse(lineAt(s.name(), at), "has a call instruction of unknown kind " + src);
                    boolean allowed = policyCode ? rules.policyHelpers().contains(imm) : rules.wrapperHelpers().contains(imm);
                    if (!allowed)
                        refuse(lineAt(s.name(), at), "calls BPF helper " + BpfHelpers.name(imm) + " (#" + imm + "), which a"
                                + " policy " + where + " may not use; allowed: " + rules.policyHelperNames());
                } else if (op == CALLX) {
                    refuse(lineAt(s.name(), at), "makes an indirect call: a policy may call only its own functions and"
                            + " the allowed helpers");
                }
            }
        }

        private void checkReference(ElfFile.Section s, int at, ElfFile.Relocation r, boolean policyCode) {
            ElfFile.Symbol y = r.symbol();
            String section = elf.sectionName(y.section());
            if (section.equals(".maps")) {
                // libbpf finds the map by the symbol's offset in .maps, whatever the symbol's name.
                for (ElfFile.Symbol map : elf.symbols()) {
                    if (map.section() != y.section() || map.value() != y.value() || map.name().isEmpty())
                        continue;
                    boolean wrapperMap = rules.wrapperMaps().containsKey(map.name());
                    if (policyCode && rules.policyIsSubprogram() && wrapperMap && !rules.policyMapsOfWrapper().contains(map.name()))
                        refuse(lineAt(s.name(), at), "uses the " + rules.hook().cliName() + " hook's own map '" + map.name()
                                + "': a policy may use its own maps only (its schedule_thread() decides with its return"
                                + " value; the hook publishes the decision)");
                }
            } else if (DATA_SECTION.matcher(section).matches()) {
                // the policy's (or syrup.h's) global variables
            } else if (y.section() != ElfFile.SHN_UNDEF && elf.sections().get(y.section()).executable()) {
                refuse(lineAt(s.name(), at), "takes the address of a function (a callback): no helper a policy may"
                        + " call takes one");
            } else {
                refuse(lineAt(s.name(), at), "refers to '" + y.name() + "' in section '" + section
                        + "', which is not a map or global variable of the policy");
            }
        }

        private String entryPoint() {
            return rules.policyIsSubprogram() ? "schedule_thread()" : "schedule()";
        }

        /** The policy's line of the instruction at byte offset at of section, or -1 if it is not the policy's. */
        private int lineAt(String section, long at) {
            if (lines == null)
                return -1;
            return lines.at(section, at).filter(l -> isPolicyFile(l.file())).map(BtfLineInfo.Line::line).orElse(-1);
        }

        private boolean isPolicyFile(String file) {
            String base = file.substring(file.lastIndexOf('/') + 1);
            return base.equals(policy.fileName());
        }

        /** The policy line of the first instruction that refers to symbol y. */
        private int firstUse(ElfFile.Symbol y) {
            for (ElfFile.Relocation r : elf.relocations()) {
                if (r.symbol().index() == y.index() && elf.sections().get(r.target()).executable()) {
                    int line = lineAt(elf.sectionName(r.target()), r.offset());
                    if (line > 0)
                        return line;
                }
            }
            return declarationLine(y.name());
        }

        /**
         * The first policy line that names identifier outside comments: BTF carries no declaration
         * lines of maps, and a map or extern is declared before it is used.
         */
        private int declarationLine(String identifier) {
            String code = PolicyText.withoutComments(new String(policy.content(), java.nio.charset.StandardCharsets.UTF_8));
            Matcher m = Pattern.compile("\\b" + Pattern.quote(identifier) + "\\b").matcher(code);
            if (!m.find())
                return -1;
            return (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
        }

        private void refuse(int line, String reason) {
            throw new PolicyForbiddenException(policy.name(), line, reason);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static long saturatingMultiply(long a, long b) {
        long r = a * b;
        return a != 0 && (r / a != b || r < 0) ? Long.MAX_VALUE : r;
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}
