package dev.syrup.testing;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A veth pair with one end in each of two namespaces, addressed in one /24 and up. It goes away
 * with either namespace.
 */
public final class Veth {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** Subnets handed out by {@link #connect(NetNs, NetNs)}: 10.213.1.0/24, 10.213.2.0/24, ... */
    private static final AtomicInteger NEXT_SUBNET = new AtomicInteger();

    private final NetNs a;
    private final NetNs b;
    private final String ifA;
    private final String ifB;
    private final String addrA;
    private final String addrB;

    private Veth(NetNs a, String ifA, String addrA, NetNs b, String ifB, String addrB) {
        this.a = a;
        this.b = b;
        this.ifA = ifA;
        this.ifB = ifB;
        this.addrA = addrA;
        this.addrB = addrB;
    }

    /** Connects {@code a} and {@code b} over the next free 10.213.x.0/24: x.1 in a, x.2 in b. */
    public static Veth connect(NetNs a, NetNs b) {
        return connect(a, b, 1);
    }

    /**
     * As {@link #connect(NetNs, NetNs)}, with {@code queues} TX and RX queues on each end: a packet
     * leaving a on TX queue i arrives at b on RX queue i (see {@link #mapTxQueuesToCpus}).
     */
    public static Veth connect(NetNs a, NetNs b, int queues) {
        int x = 1 + Math.floorMod(NEXT_SUBNET.getAndIncrement(), 254);
        return connect(a, "10.213." + x + ".1", b, "10.213." + x + ".2", queues);
    }

    /**
     * Connects {@code a} and {@code b}; the addresses (plain IPv4, use a 10.213.x.0/24 of your own)
     * must share a /24 and get that prefix.
     */
    public static Veth connect(NetNs a, String addrA, NetNs b, String addrB) {
        return connect(a, addrA, b, addrB, 1);
    }

    private static Veth connect(NetNs a, String addrA, NetNs b, String addrB, int queues) {
        if (a == null || b == null || a.name().equals(b.name())) {
            throw new IllegalArgumentException("a veth pair needs two different namespaces, got " + a + " and " + b);
        }
        if (!subnet(addrA).equals(subnet(addrB)) || addrA.equals(addrB)) {
            throw new IllegalArgumentException(addrA + " and " + addrB + " must be two addresses of one /24");
        }
        // syv<8 hex><a|b>: 12 characters, within IFNAMSIZ (15).
        String id = "syv" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String ifA = id + "a";
        String ifB = id + "b";
        // Created inside a with the peer moved straight to b: nothing ever appears on the host.
        String q = Integer.toString(queues);
        a.run("ip", "link", "add", ifA, "numtxqueues", q, "numrxqueues", q, "type", "veth",
                "peer", "name", ifB, "netns", b.name(), "numtxqueues", q, "numrxqueues", q);
        try {
            a.run("ip", "addr", "add", addrA + "/24", "dev", ifA);
            b.run("ip", "addr", "add", addrB + "/24", "dev", ifB);
            a.run("ip", "link", "set", ifA, "up");
            b.run("ip", "link", "set", ifB, "up");
            // veth leaves checksums to the receiver (CHECKSUM_PARTIAL); a packet that XDP redirects
            // through a CPUMAP is rebuilt without that mark and UDP drops it as corrupt. Senders on a
            // real NIC put full checksums on the wire, as these ends now do.
            a.run("ethtool", "-K", ifA, "tx", "off");
            b.run("ethtool", "-K", ifB, "tx", "off");
        } catch (RuntimeException e) {
            try {
                a.run("ip", "link", "del", ifA); // takes the peer with it
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return new Veth(a, ifA, addrA, b, ifB, addrB);
    }

    /**
     * Makes a packet sent from CPU i in namespace a leave through TX queue i (XPS), so it arrives at
     * b on RX queue i; the pair must have no more queues than the machine has CPUs.
     */
    public void mapTxQueuesToCpus(int queues) {
        for (int i = 0; i < queues; i++) {
            a.run("sh", "-c", "echo " + Long.toHexString(1L << i) + " > /sys/class/net/" + ifA + "/queues/tx-" + i + "/xps_cpus");
        }
    }

    private static String subnet(String addr) {
        var m = IPV4.matcher(addr == null ? "" : addr);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a plain IPv4 address: " + addr);
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                throw new IllegalArgumentException("not a plain IPv4 address: " + addr);
            }
        }
        return m.group(1) + "." + m.group(2) + "." + m.group(3);
    }

    public NetNs a() { return a; }

    public NetNs b() { return b; }

    /** The interface in namespace a. */
    public String ifA() { return ifA; }

    /** The interface in namespace b. */
    public String ifB() { return ifB; }

    public String addrA() { return addrA; }

    public String addrB() { return addrB; }

    @Override
    public String toString() {
        return a + ":" + ifA + "(" + addrA + ") <-> " + b + ":" + ifB + "(" + addrB + ")";
    }
}
