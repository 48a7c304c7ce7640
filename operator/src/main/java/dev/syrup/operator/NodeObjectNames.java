package dev.syrup.operator;

/** Names and label values of SchedulingPolicyNode objects: DNS-safe, at most 63 characters, unique per policy and node. */
public final class NodeObjectNames {
    static final int MAX = 63;
    private static final int HASH = 8;

    private NodeObjectNames() {}

    /**
     * policy-node-HASH, the readable part cut so the whole fits in 63 characters. The hash of (policy, node)
     * keeps names unique where the readable part is ambiguous ("a-b" + "c" and "a" + "b-c") or cut.
     */
    public static String objectName(String policy, String node) {
        String hash = hash(policy + "\0" + node);
        String readable = (policy + "-" + node).replace('.', '-');
        if (readable.length() > MAX - HASH - 1) {
            readable = readable.substring(0, MAX - HASH - 1);
        }
        readable = readable.replaceAll("-+$", "");
        return readable + "-" + hash;
    }

    /** A label value for a name: the name itself when it fits (63 characters), else a cut prefix and a hash. */
    public static String labelValue(String name) {
        if (name.length() <= MAX) {
            return name;
        }
        String prefix = name.substring(0, MAX - HASH - 1).replaceAll("[-_.]+$", "");
        return prefix + "-" + hash(name);
    }

    private static String hash(String s) {
        return Hashes.sha256(s).substring(0, HASH);
    }
}
