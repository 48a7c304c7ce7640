package dev.syrup.policy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 over length-prefixed fields, so that ("ab", "c") and ("a", "bc") hash differently. */
final class Sha256 {
    private final MessageDigest digest;

    Sha256() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    Sha256 field(byte[] bytes) {
        digest.update(ByteBuffer.allocate(Long.BYTES).putLong(bytes.length).array());
        digest.update(bytes);
        return this;
    }

    Sha256 field(String text) {
        return field(text.getBytes(StandardCharsets.UTF_8));
    }

    String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Plain SHA-256 of bytes (no framing), as sha256sum prints it. */
    static String of(byte[] bytes) {
        Sha256 h = new Sha256();
        h.digest.update(bytes);
        return h.hex();
    }
}
