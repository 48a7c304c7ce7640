package dev.syrup.cli;

import dev.syrup.client.Hex;
import dev.syrup.client.MapDump;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Map keys and values as users type and read them: an integer (decimal, or 0x hex) in the machine's
 * byte order, sized to the map's key or value; or raw bytes as hex:0a0b... Integers are shown
 * unsigned when the size is 1, 2, 4 or 8 bytes, anything else as hex:...
 */
final class MapCodec {
    private static final String HEX_PREFIX = "hex:";
    private static final Path POSSIBLE_CPUS = Path.of("/sys/devices/system/cpu/possible");

    private final int keySize;
    private final int valueSize;
    private final boolean perCpu;
    private final int cpus;

    MapCodec(int keySize, int valueSize, boolean perCpu, int cpus) {
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.perCpu = perCpu;
        this.cpus = cpus;
    }

    /** The codec of a dumped map; a per-CPU map's CPU count comes from its values, or from sysfs if it is empty. */
    static MapCodec of(MapDump dump) {
        int cpus = 1;
        if (dump.perCpu()) {
            cpus = dump.entries().isEmpty() ? possibleCpus() : dump.entries().get(0).value().length / dump.slotSize();
        }
        return new MapCodec(dump.keySize(), dump.valueSize(), dump.perCpu(), cpus);
    }

    boolean perCpu() { return perCpu; }

    byte[] key(String text) { return encode(text, keySize, "key"); }

    /**
     * A value as the map stores it. For a per-CPU map, an integer or hex: of the value size is
     * written to every CPU's slot; hex: of the whole per-CPU value is taken as is.
     */
    byte[] value(String text) {
        if (!perCpu) {
            return encode(text, valueSize, "value");
        }
        int slot = slotSize();
        if (text.startsWith(HEX_PREFIX) && text.length() - HEX_PREFIX.length() == 2 * slot * cpus) {
            return Hex.decode(text.substring(HEX_PREFIX.length()));
        }
        byte[] one = encode(text, valueSize, "value");
        byte[] all = new byte[slot * cpus];
        for (int c = 0; c < cpus; c++) {
            System.arraycopy(one, 0, all, c * slot, one.length);
        }
        return all;
    }

    String formatKey(byte[] key) { return format(key); }

    /** A plain value; for a per-CPU map, each CPU's value. */
    List<String> formatValue(byte[] value) {
        return perCpuValues(value).stream().map(MapCodec::format).toList();
    }

    /** The per-CPU values' sum, if they are integers; else null. */
    String sum(byte[] value) {
        if (!isInteger(valueSize)) {
            return null;
        }
        BigInteger sum = BigInteger.ZERO;
        for (byte[] v : perCpuValues(value)) {
            sum = sum.add(new BigInteger(Long.toUnsignedString(toLong(v))));
        }
        return sum.toString();
    }

    private List<byte[]> perCpuValues(byte[] value) {
        if (!perCpu) {
            return List.of(value);
        }
        List<byte[]> values = new ArrayList<>();
        for (int off = 0; off + valueSize <= value.length; off += slotSize()) {
            values.add(Arrays.copyOfRange(value, off, off + valueSize));
        }
        return values;
    }

    private int slotSize() { return (valueSize + 7) / 8 * 8; }

    static byte[] encode(String text, int size, String what) {
        if (text.startsWith(HEX_PREFIX)) {
            byte[] bytes = Hex.decode(text.substring(HEX_PREFIX.length()));
            if (bytes.length != size) {
                throw new IllegalArgumentException(what + " " + text + " is " + bytes.length + " bytes; the map's "
                        + what + " is " + size);
            }
            return bytes;
        }
        if (!isInteger(size)) {
            throw new IllegalArgumentException("the map's " + what + " is " + size
                    + " bytes, not an integer: give it as hex:" + "00".repeat(size));
        }
        BigInteger n = parseInteger(text, what);
        int bits = 8 * size;
        if (n.bitLength() > bits || n.signum() < 0 && n.bitLength() >= bits) {
            throw new IllegalArgumentException(what + " " + text + " does not fit in " + size + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        long v = n.longValue();
        switch (size) {
            case 1 -> b.put((byte) v);
            case 2 -> b.putShort((short) v);
            case 4 -> b.putInt((int) v);
            default -> b.putLong(v);
        }
        return b.array();
    }

    private static BigInteger parseInteger(String text, String what) {
        try {
            String t = text.strip();
            boolean negative = t.startsWith("-");
            String digits = negative ? t.substring(1) : t;
            BigInteger n = digits.startsWith("0x") || digits.startsWith("0X")
                    ? new BigInteger(digits.substring(2), 16) : new BigInteger(digits, 10);
            return negative ? n.negate() : n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + text + "' is neither an integer (42, 0x2a) nor hex:BYTES");
        }
    }

    static String format(byte[] bytes) {
        return isInteger(bytes.length) ? Long.toUnsignedString(toLong(bytes)) : HEX_PREFIX + Hex.encode(bytes);
    }

    private static boolean isInteger(int size) { return size == 1 || size == 2 || size == 4 || size == 8; }

    private static long toLong(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        return switch (bytes.length) {
            case 1 -> b.get() & 0xffL;
            case 2 -> b.getShort() & 0xffffL;
            case 4 -> b.getInt() & 0xffffffffL;
            default -> b.getLong();
        };
    }

    /** As libbpf counts them: the highest possible CPU + 1 (the file reads e.g. "0-3" or "0,2-5"). */
    static int possibleCpus() {
        try {
            String list = Files.readString(POSSIBLE_CPUS).strip();
            int max = 0;
            for (String part : list.split(",")) {
                String last = part.substring(part.lastIndexOf('-') + 1);
                max = Math.max(max, Integer.parseInt(last));
            }
            return max + 1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + POSSIBLE_CPUS, e);
        }
    }
}
