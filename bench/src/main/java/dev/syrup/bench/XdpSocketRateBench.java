package dev.syrup.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Packets per second an AF_XDP server receives on 4 sockets, all on queue 0 of a veth (shared UMEM,
 * copy mode): the kernel's default way (an XSKMAP indexed by receive queue: every packet to one
 * socket) against round_robin.c at the xdp-socket hook (each socket in turn). Each round sends the
 * same datagrams under both, one after the other, from several udp_send processes at once (each
 * pauses 200 us after every 64 datagrams); the rate is the packets the workers counted over the
 * senders' wall time.
 */
public final class XdpSocketRateBench {
    private static final int SOCKETS = 4;
    private static final String DEFAULT = "kernel default", POLICY = "round_robin.c";

    private XdpSocketRateBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int packets = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int senders = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Figures figures = new Figures(List.of(DEFAULT, POLICY), "packets/s");
        try (AfXdpBed bed = AfXdpBed.start(SOCKETS)) {
            System.out.printf("AF_XDP packets/s: %d sockets on queue 0 of %s (shared UMEM, copy mode), %d UDP datagrams"
                    + " of 64 payload bytes per sample from %d senders at once, %d rounds%n", SOCKETS, bed.iface(),
                    packets, senders, rounds);
            for (int r = 1; r <= rounds; r++) {
                Sample d = bed.withKernelDefault(() -> sample(bed, packets, senders));
                Sample p = bed.withPolicy("round_robin.c", () -> sample(bed, packets, senders));
                figures.add(DEFAULT, d.rate());
                figures.add(POLICY, p.rate());
                System.out.printf("round %d: %s %.0f/s (%s), %s %.0f/s (%s)%n", r, DEFAULT, d.rate(), d, POLICY,
                        p.rate(), p);
            }
        }
        figures.print(DEFAULT);
    }

    /** What one burst did: packets delivered per worker, of sent, over seconds. */
    private record Sample(long sent, long[] perWorker, double seconds) {
        double rate() { return Arrays.stream(perWorker).sum() / seconds; }

        @Override
        public String toString() {
            return String.format("%d of %d delivered, per worker %s, offered %.0f/s", Arrays.stream(perWorker).sum(),
                    sent, Arrays.toString(perWorker), sent / seconds);
        }
    }

    private static Sample sample(AfXdpBed bed, int packets, int senders) {
        long[] before = bed.settledCounts();
        long t0 = System.nanoTime();
        List<CompletableFuture<Long>> runs = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            runs.add(CompletableFuture.supplyAsync(
                    () -> bed.sender().count(packets / senders).srcPorts(SOCKETS).size(64).run().sent()));
        }
        long sent = runs.stream().mapToLong(CompletableFuture::join).sum();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Sample(sent, AfXdpBed.minus(bed.settledCounts(), before), seconds);
    }
}
