package dev.syrup.operator;

import dev.syrup.hook.Hook;
import dev.syrup.policy.ObjectCache;
import dev.syrup.policy.PolicyCompiler;
import dev.syrup.policy.PolicySource;
import dev.syrup.policy.Sdk;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Map bytes read from objects clang really compiled from the SDK's map macros. */
class MapFootprintTest {
    @TempDir
    static Path dir;
    static PolicyCompiler compiler;

    @BeforeAll
    static void compiler() {
        compiler = new PolicyCompiler(Sdk.extract(dir.resolve("sdk")), new ObjectCache(dir.resolve("cache")));
    }

    private static final String NO_MAPS = """
            #include "syrup.h"
            uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
            """;

    private static long bytes(String name, String maps) {
        String src = "#include \"syrup.h\"\n" + maps + "\nuint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }\n";
        return MapFootprint.of(compiler.compile(PolicySource.of(name + ".c", src), Hook.fromCliName("socket-select")));
    }

    @Test
    void theWrappersOwnMapsCountAndArePositive() {
        long base = MapFootprint.of(compiler.compile(PolicySource.of("none.c", NO_MAPS), Hook.fromCliName("socket-select")));
        assertThat(base).isPositive();
    }

    @Test
    void eachMapCountsEntriesTimesKeyPlusValue() {
        long base = bytes("base", "");
        assertThat(bytes("array", "SYRUP_ARRAY(weights, __u64, 1024);") - base).isEqualTo(1024L * (4 + 8));
        assertThat(bytes("hash", "struct k { __u32 a, b, c; };\nstruct v { __u64 x[4]; };\nSYRUP_HASH(flows, struct k, struct v, 100);")
                - base).isEqualTo(100L * (12 + 32));
        assertThat(bytes("two", "SYRUP_ARRAY(a, __u32, 10);\nSYRUP_ARRAY(b, __u16, 1 << 20);") - base)
                .isEqualTo(10L * (4 + 4) + (1L << 20) * (4 + 2));
    }

    @Test
    void perCpuValuesCountOncePerCountedCpuRoundedToEightBytes() {
        long base = bytes("base2", "");
        assertThat(bytes("percpu", "SYRUP_PERCPU_ARRAY(counts, __u32, 10);") - base)
                .isEqualTo(10L * (4 + 8L * MapFootprint.PER_CPU_COPIES));
    }

    @Test
    void somethingThatIsNotAnObjectIsRefused() throws Exception {
        Path f = Files.writeString(dir.resolve("not.o"), "#include \"syrup.h\"\n".repeat(10));
        assertThatThrownBy(() -> MapFootprint.of(f)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ELF");
    }
}
