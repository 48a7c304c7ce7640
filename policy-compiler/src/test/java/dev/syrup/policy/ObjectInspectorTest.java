package dev.syrup.policy;

import dev.syrup.policy.elf.Btf;
import dev.syrup.policy.elf.BtfLineInfo;
import dev.syrup.policy.elf.ElfFile;
import dev.syrup.policy.elf.MapDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The inspector on objects the real clang compiles from the real hook wrappers. */
class ObjectInspectorTest {
    static final Path EXAMPLES = Path.of(System.getProperty("syrup.examples", "../examples"), "policies");

    @TempDir
    static Path sdkCache;
    @TempDir
    static Path work;
    static Sdk sdk;
    static RawCompile clang;
    final ObjectInspector inspector = new ObjectInspector();

    @BeforeAll
    static void extractSdk() {
        sdk = Sdk.extract(sdkCache);
        clang = new RawCompile(sdk, work);
    }

    /** A hostile policy: its text, the hook, the expected line and what the refusal must name. */
    record Case(String name, Hook hook, int line, String substring, String text) {
        @Override
        public String toString() { return name + " at " + hook; }
    }

    static Stream<Case> refused() {
        return Stream.of(
                new Case("probe_read_kernel.c", Hook.THREAD, 7, "bpf_probe_read_kernel (#113)", """
                        #include "syrup.h"
                        SYRUP_ARRAY(loot, uint64_t, 1);
                        uint32_t schedule_thread(const struct syrup_thread *t)
                        {
                        	uint32_t zero = 0;
                        	uint64_t v = 0;
                        	bpf_probe_read_kernel(&v, sizeof(v), (void *)t->runtime_ns);
                        	bpf_map_update_elem(&loot, &zero, &v, BPF_ANY);
                        	return SYRUP_PASS;
                        }
                        """),
                new Case("probe_read_by_number.c", Hook.THREAD, 6, "bpf_probe_read_kernel (#113)", """
                        #include "syrup.h"
                        uint32_t schedule_thread(const struct syrup_thread *t)
                        {
                        	uint64_t v = 0;
                        	long (*read)(void *, __u32, const void *) = (void *)113;
                        	read(&v, sizeof(v), (void *)t->runtime_ns);
                        	return v ? 0 : SYRUP_PASS;
                        }
                        """),
                new Case("printk.c", Hook.SOCKET_SELECT, 4, "bpf_trace_printk (#6)", """
                        #include "syrup.h"
                        uint32_t schedule(void *pkt_start, void *pkt_end)
                        {
                        	bpf_printk("seen");
                        	return SYRUP_PASS;
                        }
                        """),
                new Case("current_pid.c", Hook.XDP_CPU, 4, "bpf_get_current_pid_tgid (#14)", """
                        #include "syrup.h"
                        uint32_t schedule(void *pkt_start, void *pkt_end)
                        {
                        	return (uint32_t)bpf_get_current_pid_tgid() % syrup_executors();
                        }
                        """),
                new Case("writes_thread_cpu.c", Hook.THREAD, 6, "hook's own map 'syrup_thread_cpu'", """
                        #include "syrup.h"
                        uint32_t schedule_thread(const struct syrup_thread *t)
                        {
                        	__u32 victim = 1;
                        	__s32 cpu = 0;
                        	bpf_map_update_elem(&syrup_thread_cpu, &victim, &cpu, BPF_ANY);
                        	return SYRUP_PASS;
                        }
                        """),
                new Case("kprobe.c", Hook.SOCKET_SELECT, 4, "program section 'kprobe/do_nanosleep'", """
                        #include "syrup.h"
                        SEC("kprobe/do_nanosleep") int spy(void *ctx)
                        {
                        	return 0;
                        }
                        uint32_t schedule(void *pkt_start, void *pkt_end) { return SYRUP_PASS; }
                        """),
                new Case("pinned.c", Hook.SOCKET_SELECT, 8, "map 'shared' has a pinning attribute", """
                        #include "syrup.h"
                        struct {
                        	__uint(type, BPF_MAP_TYPE_ARRAY);
                        	__type(key, __u32);
                        	__type(value, __u64);
                        	__uint(max_entries, 1);
                        	__uint(pinning, LIBBPF_PIN_BY_NAME);
                        } shared SEC(".maps");
                        uint32_t schedule(void *pkt_start, void *pkt_end)
                        {
                        	__u32 zero = 0;
                        	__u64 *n = bpf_map_lookup_elem(&shared, &zero);
                        	return n ? 0 : SYRUP_PASS;
                        }
                        """),
                new Case("ringbuf.c", Hook.THREAD, 5, "map 'out' is a ringbuf map", """
                        #include "syrup.h"
                        struct {
                        	__uint(type, BPF_MAP_TYPE_RINGBUF);
                        	__uint(max_entries, 4096);
                        } out SEC(".maps");
                        uint32_t schedule_thread(const struct syrup_thread *t) { return SYRUP_PASS; }
                        """),
                new Case("map_in_map.c", Hook.SOCKET_SELECT, 13, "map 'outer' is a array_of_maps map", """
                        #include "syrup.h"
                        struct inner {
                        	__uint(type, BPF_MAP_TYPE_ARRAY);
                        	__type(key, __u32);
                        	__type(value, __u32);
                        	__uint(max_entries, 1);
                        };
                        struct {
                        	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
                        	__uint(max_entries, 1);
                        	__type(key, __u32);
                        	__array(values, struct inner);
                        } outer SEC(".maps");
                        uint32_t schedule(void *pkt_start, void *pkt_end) { return SYRUP_PASS; }
                        """),
                new Case("huge_map.c", Hook.SOCKET_SELECT, 3, "more than the limit of 67108864 bytes", """
                        #include "syrup.h"
                        struct page { uint8_t bytes[4096]; };
                        SYRUP_ARRAY(pages, struct page, 1 << 15);
                        uint32_t schedule(void *pkt_start, void *pkt_end)
                        {
                        	uint32_t zero = 0;
                        	struct page *p = bpf_map_lookup_elem(&pages, &zero);
                        	return p ? p->bytes[0] % syrup_executors() : SYRUP_PASS;
                        }
                        """),
                new Case("ksym.c", Hook.THREAD, 5, "'bpf_prog_fops' is a .ksyms extern", """
                        #include "syrup.h"
                        extern const void bpf_prog_fops __ksym;
                        uint32_t schedule_thread(const struct syrup_thread *t)
                        {
                        	return (uint64_t)&bpf_prog_fops == t->runtime_ns ? 0 : SYRUP_PASS;
                        }
                        """),
                new Case("kconfig.c", Hook.SOCKET_SELECT, 5, "'LINUX_KERNEL_VERSION' is a .kconfig extern", """
                        #include "syrup.h"
                        extern unsigned int LINUX_KERNEL_VERSION __kconfig;
                        uint32_t schedule(void *pkt_start, void *pkt_end)
                        {
                        	return LINUX_KERNEL_VERSION % syrup_executors();
                        }
                        """),
                new Case("kfunc.c", Hook.THREAD, 5, "'bpf_rcu_read_lock' is a .ksyms extern", """
                        #include "syrup.h"
                        extern void bpf_rcu_read_lock(void) __ksym;
                        uint32_t schedule_thread(const struct syrup_thread *t)
                        {
                        	bpf_rcu_read_lock();
                        	return SYRUP_PASS;
                        }
                        """),
                new Case("ringbuf_output.c", Hook.THREAD, 5, "syrup_thread_events", """
                        #include "syrup.h"
                        uint32_t schedule_thread(const struct syrup_thread *t)
                        {
                        	__u64 v = t->runtime_ns;
                        	bpf_ringbuf_output(&syrup_thread_events, &v, sizeof(v), 0);
                        	return SYRUP_PASS;
                        }
                        """),
                new Case("sk_select_at_xdp.c", Hook.XDP_CPU, 5, "bpf_sk_select_reuseport (#82)", """
                        #include "syrup.h"
                        SYRUP_ARRAY(m, __u32, 1);
                        uint32_t schedule(void *pkt_start, void *pkt_end)
                        {
                        	return ((long (*)(void *, void *, void *, __u64))82)(pkt_start, &m, pkt_end, 0) ? 1 : 0;
                        }
                        """),
                new Case("redirect_at_xdp_socket.c", Hook.XDP_SOCKET, 4, "bpf_redirect (#23)", """
                        #include "syrup.h"
                        uint32_t schedule(void *pkt_start, void *pkt_end)
                        {
                        	return ((long (*)(__u32, __u64))23)(1, 0) ? 0 : SYRUP_PASS;
                        }
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesWithHelperSectionMapOrExternAndTheLine(Case c) throws Exception {
        Path object = clang.compile(c.name(), c.text(), c.hook());
        PolicySource src = PolicySource.of("policies/" + c.name(), c.text());
        PolicyForbiddenException e = catchThrowableOfType(() -> inspector.inspect(object, src, c.hook()),
                PolicyForbiddenException.class);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.getMessage()).contains(c.substring()).startsWith("policies/" + c.name() + ":" + c.line() + ": forbidden: ");
        assertThat(e.line()).isEqualTo(c.line());
    }

    static Stream<Path> examples() throws Exception {
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            return s.filter(p -> p.toString().endsWith(".c")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void passesEveryExampleAtItsHooksAndNamesItsMaps(Path example) {
        PolicySource src = PolicySource.fromFile(example);
        String text = new String(src.content());
        for (Hook hook : src.hooksWithEntryPoints()) {
            PolicyCompiler compiler = new PolicyCompiler(sdk, new ObjectCache(work.resolve("cache")));
            Path object = compiler.compile(src, hook); // inspected inside
            Inspection i = inspector.inspect(object, src, hook);
            for (String map : i.policyMaps())
                assertThat(text).as(hook + " map " + map).contains(map);
            assertThat(i.policyMaps()).noneMatch(m -> m.startsWith("syrup_"));
        }
    }

    @Test
    void parsesSectionsSymbolsRelocationsMapsAndLinesOfARealObject() throws Exception {
        Path example = EXAMPLES.resolve("pin_per_worker.c");
        Path object = clang.compile("pin_per_worker.c", Files.readString(example), Hook.THREAD);
        ElfFile elf = ElfFile.parse(Files.readAllBytes(object));

        assertThat(elf.sections()).extracting(ElfFile.Section::name)
                .contains(".text", "tp_btf/sched_switch", "tp_btf/sched_process_exit", ".maps", ".BTF", ".BTF.ext", "license");
        ElfFile.Section text = elf.section(".text").orElseThrow();
        assertThat(text.executable()).isTrue();
        assertThat(elf.symbols()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("schedule_thread");
            assertThat(s.type()).isEqualTo(ElfFile.STT_FUNC);
            assertThat(s.section()).isEqualTo(text.index());
        });
        assertThat(elf.relocations()).anySatisfy(r -> {
            assertThat(r.target()).isEqualTo(text.index());
            assertThat(r.symbol().name()).isEqualTo("worker_index");
        });

        Btf btf = Btf.parse(elf.contents(elf.section(".BTF").orElseThrow()));
        MapDefinition mine = btf.maps().get("worker_index");
        assertThat(mine).isEqualTo(new MapDefinition("worker_index", MapDefinition.HASH, 4, 4, 4096, 0, false, List.of(), List.of()));
        assertThat(btf.maps().get("syrup_thread_events").type()).isEqualTo(MapDefinition.RINGBUF);
        assertThat(btf.maps().get("syrup_thread_cpu").maxEntries()).isEqualTo(65536);

        BtfLineInfo lines = BtfLineInfo.parse(elf.contents(elf.section(".BTF.ext").orElseThrow()), btf);
        List<String> source = Files.readAllLines(example);
        int lookupLine = source.indexOf(source.stream().filter(l -> l.contains("*known = bpf_map_lookup_elem")).findFirst().orElseThrow()) + 1;
        assertThat(lines.lines(".text")).anySatisfy(l -> {
            assertThat(l.file()).endsWith("/pin_per_worker.c");
            assertThat(l.line()).isEqualTo(lookupLine);
        });
        assertThat(lines.lines("tp_btf/sched_switch")).allSatisfy(l -> assertThat(l.file()).doesNotEndWith("pin_per_worker.c"));
    }

    @Test
    void checksEveryFunctionThePolicyCallsAndAllowsCallsBetweenThem() throws Exception {
        String good = """
                #include "syrup.h"
                static __noinline uint32_t pick(uint32_t x) { return x % syrup_executors(); }
                static __noinline uint32_t pick2(uint32_t x) { return pick(x + 1) ^ pick(x); }
                uint32_t schedule_thread(const struct syrup_thread *t) { return pick2(t->tid); }
                uint32_t schedule(void *pkt_start, void *pkt_end) { return pick2(syrup_random()); }
                """;
        for (Hook hook : Hook.values()) {
            Path object = clang.compile("calls.c", good, hook);
            assertThat(inspector.inspect(object, PolicySource.of("calls.c", good), hook).policyMaps()).isEmpty();
        }
        String deep = good.replace("return x % syrup_executors();", "return x % syrup_executors() + bpf_get_current_pid_tgid();");
        Path object = clang.compile("deep.c", deep, Hook.THREAD);
        PolicyForbiddenException e = catchThrowableOfType(
                () -> inspector.inspect(object, PolicySource.of("deep.c", deep), Hook.THREAD), PolicyForbiddenException.class);
        assertThat(e.getMessage()).startsWith("deep.c:2: forbidden: calls BPF helper bpf_get_current_pid_tgid");
    }

    @Test
    void countsPerCpuMapsOncePerPossibleCpu() throws Exception {
        String text = """
                #include "syrup.h"
                SYRUP_PERCPU_ARRAY(per_cpu, uint64_t, 1000);
                uint32_t schedule(void *pkt_start, void *pkt_end)
                {
                	uint32_t zero = 0;
                	return bpf_map_lookup_elem(&per_cpu, &zero) ? 0 : SYRUP_PASS;
                }
                """;
        Path object = clang.compile("per_cpu.c", text, Hook.SOCKET_SELECT);
        PolicySource src = PolicySource.of("per_cpu.c", text);
        long oneCpu = new ObjectInspector(1 << 20, 1).inspect(object, src, Hook.SOCKET_SELECT).mapBytes();
        long eightCpus = new ObjectInspector(1 << 20, 8).inspect(object, src, Hook.SOCKET_SELECT).mapBytes();
        assertThat(eightCpus - oneCpu).isEqualTo(7L * 8 * 1000);
        PolicyForbiddenException e = catchThrowableOfType(
                () -> new ObjectInspector(oneCpu + 7L * 8 * 1000 - 1, 8).inspect(object, src, Hook.SOCKET_SELECT),
                PolicyForbiddenException.class);
        assertThat(e.getMessage()).contains("map 'per_cpu'").contains("once per possible CPU: 8");
    }

    @Test
    void refusesACachedObjectThatPredatesTheRules() throws Exception {
        String text = """
                #include "syrup.h"
                uint32_t schedule_thread(const struct syrup_thread *t)
                {
                	return bpf_get_current_pid_tgid() ? SYRUP_PASS : 0;
                }
                """;
        Path hostile = clang.compile("cached.c", text, Hook.THREAD);
        PolicySource src = PolicySource.of("cached.c", text);
        ObjectCache cache = new ObjectCache(work.resolve("stale-cache"));
        PolicyCompiler compiler = new PolicyCompiler(sdk, cache, "clang", Duration.ofSeconds(60));
        // Compiling refuses it and caches nothing ...
        assertThat(catchThrowableOfType(() -> compiler.compile(src, Hook.THREAD), PolicyForbiddenException.class)
                .getMessage()).contains("bpf_get_current_pid_tgid");
        try (Stream<Path> objects = Files.list(cache.root().resolve("objects"))) {
            assertThat(objects.filter(p -> p.toString().endsWith(".o"))).isEmpty();
        }
        // ... and an object already in the cache (from a build before the rules) is refused on the way out.
        String key = ObjectCache.key(src.content(), Hook.THREAD.cliName(), sdk.hash(), compiler.clangVersion(), compiler.flags());
        Files.copy(hostile, cache.path(key));
        assertThat(catchThrowableOfType(() -> compiler.compile(src, Hook.THREAD), PolicyForbiddenException.class)
                .getMessage()).contains("bpf_get_current_pid_tgid");
    }

    @Test
    void refusesSomethingThatIsNotAnObject() {
        PolicySource src = PolicySource.of("junk.c", "x");
        PolicyForbiddenException e = catchThrowableOfType(
                () -> inspector.inspect("not an ELF file at all".getBytes(), src, Hook.SOCKET_SELECT),
                PolicyForbiddenException.class);
        assertThat(e.getMessage()).contains("cannot be inspected");
    }
}
