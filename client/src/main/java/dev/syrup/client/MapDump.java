package dev.syrup.client;

import java.util.Arrays;
import java.util.List;

/**
 * Every entry of a deployment's map, as raw bytes in the machine's byte order. For a per-CPU map
 * each value holds one slot per possible CPU, each slot valueSize rounded up to 8 bytes.
 */
public record MapDump(int keySize, int valueSize, boolean perCpu, List<Entry> entries) {
    public MapDump {
        entries = List.copyOf(entries);
    }

    public record Entry(byte[] key, byte[] value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && Arrays.equals(e.key, key) && Arrays.equals(e.value, value);
        }

        @Override
        public int hashCode() { return 31 * Arrays.hashCode(key) + Arrays.hashCode(value); }

        @Override
        public String toString() { return Hex.encode(key) + "=" + Hex.encode(value); }
    }

    /** Bytes one CPU's slot takes in a per-CPU value. */
    public int slotSize() { return (valueSize + 7) / 8 * 8; }
}
