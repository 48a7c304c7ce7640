package dev.syrup.client;

import java.util.HexFormat;

/** The protocol's hex strings: lower case, two digits per byte, no separators. */
public final class Hex {
    private static final HexFormat HEX = HexFormat.of();

    private Hex() {}

    public static String encode(byte[] bytes) { return HEX.formatHex(bytes); }

    /** @throws IllegalArgumentException if s is not an even number of hex digits */
    public static byte[] decode(String s) {
        try {
            return HEX.parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "' is not hex bytes (two hex digits per byte)");
        }
    }
}
