package dev.syrup.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.syrup.bpf.BpfMap;
import dev.syrup.bpf.Bpffs;
import dev.syrup.bpf.BpfObject;
import dev.syrup.policy.Hook;
import dev.syrup.hook.HookConfig;
import dev.syrup.policy.PolicyForbiddenException;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.Sdk;
import dev.syrup.policy.ObjectInspector;
import dev.syrup.policy.RawCompile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader pins a policy's maps itself, under the directory it is given (a second load reuses
 * them), and inspects every object before opening it: an object the compiler never saw is refused
 * with nothing pinned.
 */
class PolicyLoaderPinningTest {
    private static final String COUNTER = """
            #include "syrup.h"
            SYRUP_ARRAY(counter, uint64_t, 4);
            uint32_t schedule(void *pkt_start, void *pkt_end)
            {
            	uint32_t zero = 0;
            	uint64_t *n = bpf_map_lookup_elem(&counter, &zero);
            	return n ? 0 : SYRUP_PASS;
            }
            """;

    @TempDir
    static Path work;
    static RawCompile clang;
    private final Path pins = Path.of("/sys/fs/bpf/syrup-loader-test-" + UUID.randomUUID().toString().substring(0, 8));
    private final ObjectInspector inspector = new ObjectInspector();

    @BeforeAll
    static void sdk() {
        clang = new RawCompile(Sdk.extract(work.resolve("sdk")), work);
    }

    @AfterEach
    void unpin() {
        Bpffs.removeTree(pins);
    }

    @Test
    void pinsThePolicysMapsUnderItsDirectoryAndReusesThem() throws Exception {
        Path object = clang.compile("counter.c", COUNTER, Hook.SOCKET_SELECT);
        PolicySource src = PolicySource.of("counter.c", COUNTER);
        HookConfig config = HookConfig.forOffline(Hook.SOCKET_SELECT, 4);
        Bpffs.mkdirs(pins);
        int firstId;
        try (BpfObject first = PolicyLoader.load(object, src, config, pins, Map.of(), inspector);
             BpfMap m = first.map("counter")) {
            firstId = m.info().id();
            m.update(BpfMap.u32(1), new byte[] {42, 0, 0, 0, 0, 0, 0, 0});
        }
        // Only the policy's map is pinned, none of the hook's own.
        assertThat(Bpffs.list(pins)).containsExactly(pins.resolve("counter"));
        try (BpfObject second = PolicyLoader.load(object, src, config, pins, Map.of(), inspector);
             BpfMap m = second.map("counter")) {
            assertThat(m.info().id()).isEqualTo(firstId);
            assertThat(m.lookup(BpfMap.u32(1)).orElseThrow()[0]).isEqualTo((byte) 42);
        }
    }

    @Test
    void refusesAnObjectAskingForPinningBeforeOpeningIt() throws Exception {
        String name = "syrup_hostile_" + UUID.randomUUID().toString().substring(0, 8);
        String text = """
                #include "syrup.h"
                struct {
                	__uint(type, BPF_MAP_TYPE_ARRAY);
                	__type(key, __u32);
                	__type(value, __u64);
                	__uint(max_entries, 1);
                	__uint(pinning, LIBBPF_PIN_BY_NAME);
                } MAPNAME SEC(".maps");
                uint32_t schedule(void *pkt_start, void *pkt_end)
                {
                	__u32 zero = 0;
                	return bpf_map_lookup_elem(&MAPNAME, &zero) ? 0 : SYRUP_PASS;
                }
                """.replace("MAPNAME", name);
        Path object = clang.compile("pinned.c", text, Hook.SOCKET_SELECT);
        Bpffs.mkdirs(pins);
        PolicyForbiddenException e = catchThrowableOfType(() -> PolicyLoader.load(object, PolicySource.of("pinned.c", text),
                HookConfig.forOffline(Hook.SOCKET_SELECT, 4), pins, Map.of(), inspector), PolicyForbiddenException.class);
        assertThat(e.getMessage()).startsWith("pinned.c:8: forbidden: map '" + name + "' has a pinning attribute");
        assertThat(Bpffs.list(pins)).isEmpty();
        assertThat(Files.exists(Path.of("/sys/fs/bpf", name))).isFalse();
    }
}
