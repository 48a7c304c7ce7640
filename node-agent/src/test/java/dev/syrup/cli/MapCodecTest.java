package dev.syrup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syrup.client.MapDump;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** KEY and VALUE as users write and read them. The byte expectations are for little-endian machines. */
class MapCodecTest {
    @BeforeAll
    static void littleEndian() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void integersTakeTheSizeOfTheKeyOrValue() {
        assertThat(MapCodec.encode("42", 4, "key")).containsExactly(42, 0, 0, 0);
        assertThat(MapCodec.encode("0x0102", 2, "key")).containsExactly(2, 1);
        assertThat(MapCodec.encode("-1", 8, "value")).containsExactly(-1, -1, -1, -1, -1, -1, -1, -1);
        assertThat(MapCodec.encode("255", 1, "value")).containsExactly(-1);
        assertThat(MapCodec.encode("18446744073709551615", 8, "value")).containsExactly(-1, -1, -1, -1, -1, -1, -1, -1);
        assertThat(MapCodec.encode("hex:0a0b0c", 3, "key")).containsExactly(10, 11, 12);
    }

    @Test
    void whatDoesNotFitIsRefused() {
        assertThatThrownBy(() -> MapCodec.encode("256", 1, "key")).hasMessage("key 256 does not fit in 1 bytes");
        assertThatThrownBy(() -> MapCodec.encode("-129", 1, "key")).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> MapCodec.encode("hex:00", 4, "key")).hasMessage("key hex:00 is 1 bytes; the map's key is 4");
        assertThatThrownBy(() -> MapCodec.encode("7", 16, "value")).hasMessageContaining("give it as hex:");
        assertThatThrownBy(() -> MapCodec.encode("seven", 4, "value")).hasMessageContaining("neither an integer");
    }

    @Test
    void integersPrintUnsignedAndOtherSizesAsHex() {
        assertThat(MapCodec.format(new byte[] {42, 0, 0, 0})).isEqualTo("42");
        assertThat(MapCodec.format(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1})).isEqualTo("18446744073709551615");
        assertThat(MapCodec.format(new byte[] {1, 2, 3})).isEqualTo("hex:010203");
    }

    @Test
    void perCpuValuesHaveOneEightByteSlotPerCpu() {
        byte[] value = {1, 0, 0, 0, 9, 9, 9, 9, 2, 0, 0, 0, 9, 9, 9, 9}; // u32 per CPU, slot padding ignored
        MapCodec codec = MapCodec.of(new MapDump(4, 4, true, List.of(new MapDump.Entry(new byte[4], value))));
        assertThat(codec.formatValue(value)).containsExactly("1", "2");
        assertThat(codec.sum(value)).isEqualTo("3");
        assertThat(codec.value("7")).containsExactly(7, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0);
        assertThat(codec.value("hex:01000000000000000200000000000000")).hasSize(16);
    }

    @Test
    void anEmptyPerCpuMapCountsThePossibleCpus() {
        MapCodec codec = MapCodec.of(new MapDump(4, 8, true, List.of()));
        assertThat(codec.value("1")).hasSize(8 * MapCodec.possibleCpus());
        assertThat(MapCodec.possibleCpus()).isGreaterThanOrEqualTo(Runtime.getRuntime().availableProcessors());
    }
}
