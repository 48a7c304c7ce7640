package dev.syrup.testing;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs {@code udp_send} to completion: {@code count} datagrams to {@code dst:port}, round-robin over
 * {@code srcPorts} source ports. See native/testapps/udp_send.c.
 *
 * <pre>{@code
 * long sent = UdpSender.to("127.0.0.1", 9000).in(ns).count(400).srcPorts(8).run().sent();
 * }</pre>
 */
public final class UdpSender {
    private final String dst;
    private final int port;
    private NetNs ns;
    private long count = 1;
    private int srcPorts = 1;
    private String payload;
    private int[] payloadCycle;
    private Integer size;
    private long intervalUs;
    private boolean waitReplies;
    private boolean tcp;
    private Duration timeout;
    private Integer cpu;

    /** What was sent and, with {@link #waitReplies()}, the replies per serving socket index. */
    public record Result(long sent, long[] replies) {
        /** Replies from socket {@code i} (0 if none; the array ends at the highest index that replied). */
        public long repliesFrom(int i) { return i < replies.length ? replies[i] : 0; }

        public long repliedTotal() { return Arrays.stream(replies).sum(); }
    }

    private UdpSender(String dst, int port) {
        this.dst = dst;
        this.port = port;
    }

    /** A sender to an IPv4 address and port; by default one datagram, empty payload, from the host. */
    public static UdpSender to(String dst, int port) {
        return new UdpSender(dst, port);
    }

    /** Send from inside {@code ns} (the host if null). */
    public UdpSender in(NetNs ns) { this.ns = ns; return this; }

    public UdpSender count(long n) { this.count = n; return this; }

    /** Number of source sockets (distinct source ports, i.e. flows); datagram j leaves from socket j % k. */
    public UdpSender srcPorts(int k) { this.srcPorts = k; return this; }

    /** The same payload in every datagram. */
    public UdpSender payload(String text) { this.payload = text; this.payloadCycle = null; return this; }

    /** One-byte payloads: datagram j carries {@code bytes[j % bytes.length]} (0..255). */
    public UdpSender payloadCycle(int... bytes) { this.payloadCycle = bytes.clone(); this.payload = null; return this; }

    /** Pad every payload with 'x' to this many bytes. */
    public UdpSender size(int bytes) { this.size = bytes; return this; }

    /** Pause this long after every datagram (default: udp_send's light burst pacing). */
    public UdpSender intervalUs(long us) { this.intervalUs = us; return this; }

    /** Wait up to 1 s for each datagram's reply from a {@code udp_workers --reply} server. */
    public UdpSender waitReplies() { this.waitReplies = true; return this; }

    /** One TCP connection per message instead of a datagram (source ports are then ephemeral). */
    public UdpSender tcp() { this.tcp = true; return this; }

    /** Overrides the default timeout (10 s plus the worst case of the pacing and the reply waits). */
    public UdpSender timeout(Duration t) { this.timeout = t; return this; }

    /** Send from CPU {@code cpu} only (taskset), e.g. to pick a TX queue through XPS ({@link Veth#mapTxQueuesToCpus}). */
    public UdpSender onCpu(int cpu) { this.cpu = cpu; return this; }

    /** Runs the sender to completion; throws with its stderr if it fails or times out. */
    public Result run() {
        List<String> argv = new ArrayList<>();
        if (cpu != null) {
            argv.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
        }
        argv.addAll(List.of(TestApps.binary(TestApps.UDP_SEND).toString(),
                "--dst", dst, "--port", Integer.toString(port), "--count", Long.toString(count),
                "--src-ports", Integer.toString(srcPorts)));
        if (payload != null) {
            argv.addAll(List.of("--payload", payload));
        }
        if (payloadCycle != null) {
            argv.addAll(List.of("--payload-cycle",
                    Arrays.stream(payloadCycle).mapToObj(Integer::toString).collect(Collectors.joining(","))));
        }
        if (size != null) {
            argv.addAll(List.of("--size", Integer.toString(size)));
        }
        if (intervalUs > 0) {
            argv.addAll(List.of("--interval-us", Long.toString(intervalUs)));
        }
        if (tcp) {
            argv.add("--tcp");
        }
        if (waitReplies) {
            argv.add("--wait-replies");
        }
        Exec.Result r = Exec.run(NetNs.commandIn(ns, argv), timeout != null ? timeout : defaultTimeout()).orThrow();
        return parse(r);
    }

    private Duration defaultTimeout() {
        long worstUs = count * intervalUs + (waitReplies ? count * 1_000_000L : 0);
        return Duration.ofSeconds(10).plus(Duration.of(worstUs, ChronoUnit.MICROS).multipliedBy(2));
    }

    private static Result parse(Exec.Result r) {
        Long sent = null;
        long[] replies = new long[0];
        for (String line : r.stdout().lines().toList()) {
            String[] parts = line.strip().split(" ");
            if (parts[0].equals("SENT") && parts.length == 2) {
                sent = Long.parseLong(parts[1]);
            } else if (parts[0].equals("REPLIES")) {
                replies = Arrays.stream(parts, 1, parts.length).mapToLong(Long::parseLong).toArray();
            }
        }
        if (sent == null) {
            throw new IllegalStateException(String.join(" ", r.command()) + " printed no SENT line"
                    + Exec.describe("stdout", r.stdout()) + Exec.describe("stderr", r.stderr()));
        }
        return new Result(sent, replies);
    }
}
