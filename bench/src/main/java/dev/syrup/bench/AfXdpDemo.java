package dev.syrup.bench;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The xdp-socket hook at work: an AF_XDP server with 4 workers, one socket each, all on queue 0
 * with a shared UMEM; datagrams sent to it over a veth. Under the kernel's default way (an XSKMAP
 * indexed by receive queue, one socket per queue) every packet reaches one worker; round_robin.c
 * spreads them evenly; route_by_first_byte.c sends each to the worker its first payload byte names
 * (bytes 0, 1, 2, 3 sent in proportion 1:2:3:4). Prints the packets each worker received.
 */
public final class AfXdpDemo {
    private static final int SOCKETS = 4;
    private static final int PACKETS = 2000;
    /** First payload bytes, in proportion 1:2:3:4 for workers 0..3. */
    private static final int[] FIRST_BYTES = {0, 1, 1, 2, 2, 2, 3, 3, 3, 3};

    private AfXdpDemo() {}

    public static void main(String[] args) throws Exception {
        try (AfXdpBed bed = AfXdpBed.start(SOCKETS)) {
            System.out.printf("AF_XDP server: %d workers, one socket each, all on queue 0 of %s (shared UMEM, copy mode);"
                    + " %d UDP datagrams per run, first payload bytes 0,1,2,3 in proportion 1:2:3:4%n%n",
                    SOCKETS, bed.iface(), PACKETS);
            System.out.println("| delivery | worker 0 | worker 1 | worker 2 | worker 3 | delivered |");
            System.out.println("|---|---|---|---|---|---|");
            row("kernel default (XSKMAP by queue id)", bed.withKernelDefault(() -> run(bed)));
            row("round_robin.c", bed.withPolicy("round_robin.c", () -> run(bed)));
            row("route_by_first_byte.c", bed.withPolicy("route_by_first_byte.c", () -> run(bed)));
            System.out.println();
            System.out.println("With every socket on one queue, the kernel's default hands all packets to the socket in"
                    + " that queue's slot: one worker does all the work. A policy picks any worker for any packet.");
        }
    }

    private static long[] run(AfXdpBed bed) {
        long[] before = bed.settledCounts();
        bed.sender().count(PACKETS).srcPorts(4).payloadCycle(FIRST_BYTES).run();
        return AfXdpBed.minus(bed.settledCounts(), before);
    }

    private static void row(String what, long[] counts) {
        System.out.printf("| %s | %s | %d |%n", what,
                Arrays.stream(counts).mapToObj(Long::toString).collect(Collectors.joining(" | ")),
                Arrays.stream(counts).sum());
    }
}
