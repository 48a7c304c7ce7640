package dev.syrup.k8s;

import dev.syrup.error.DomainException;
import dev.syrup.crds.v1alpha1.MapEntries;
import dev.syrup.node.DeploymentService;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes a node object's initial map entries into a new deployment's maps. A key or value is a
 * decimal number (little-endian, the map's key or value width) or 0x hex bytes of exactly that width;
 * a per-CPU map gets the value in every CPU's slot.
 */
final class InitialMaps {
    private InitialMaps() {}

    static void apply(DeploymentService deployments, String id, List<MapEntries> maps) {
        if (maps == null) {
            return;
        }
        for (MapEntries m : maps) {
            DeploymentService.MapShape shape = deployments.mapShape(id, m.getMap());
            for (MapEntries.MapEntry e : m.getEntries()) {
                byte[] key = encode(e.getKey(), shape.keySize(), m.getMap() + " key");
                byte[] one = encode(e.getValue(), shape.valueSize(), m.getMap() + " value");
                deployments.mapUpdate(id, m.getMap(), key,
                        shape.perCpu() ? perCpu(one, shape.valueBytes(), shape.valueSize()) : one);
            }
        }
    }

    static byte[] encode(String text, int size, String what) {
        try {
            return encodeNumber(text, size, what);
        } catch (NumberFormatException e) {
            throw DomainException.invalid(what + " " + text + " is neither a decimal number nor 0x hex bytes");
        } catch (IllegalArgumentException e) {
            throw DomainException.invalid(what + " " + text + " is not hex: " + e.getMessage());
        }
    }

    private static byte[] encodeNumber(String text, int size, String what) {
        if (text.startsWith("0x")) {
            byte[] b = HexFormat.of().parseHex(text.substring(2));
            if (b.length != size) {
                throw DomainException.invalid(what + " " + text + " has " + b.length + " bytes; the map's are " + size);
            }
            return b;
        }
        BigInteger v = new BigInteger(text);
        if (v.signum() < 0 || v.bitLength() > 8 * size) {
            throw DomainException.invalid(what + " " + text + " does not fit in " + size + " bytes");
        }
        byte[] out = new byte[size];
        byte[] big = v.toByteArray(); // big-endian, maybe with a leading zero byte
        for (int i = 0; i < size && i < big.length; i++) {
            out[i] = big[big.length - 1 - i];
        }
        return out;
    }

    private static byte[] perCpu(byte[] one, int totalBytes, int valueSize) {
        int slot = (valueSize + 7) / 8 * 8;
        byte[] all = new byte[totalBytes];
        for (int off = 0; off + slot <= totalBytes; off += slot) {
            System.arraycopy(one, 0, all, off, one.length);
        }
        return all;
    }
}
