package dev.syrup.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;

/**
 * The sending half of a run: walks the schedule, waits for each request's intended time and
 * sends it from a randomly chosen client socket, never waiting for replies. A request whose
 * time has passed (the sender was descheduled) goes out at once. How late each send was is
 * recorded for the measured window, as a diagnostic: latency is measured from the intended time
 * anyway, so a late sender shows in it.
 */
final class Sender implements Callable<Void> {
    /** Called before each send; tests use it to pause the sender. */
    interface Hook {
        Hook NONE = id -> { };

        void beforeSend(int id) throws InterruptedException;
    }

    private final ArrivalSchedule schedule;
    private final long startNanos;
    private final long warmupNanos;
    private final DatagramChannel[] channels;
    private final InetSocketAddress target;
    private final int requestBytes;
    private final Pacer pacer;
    private final SplittableRandom socketChoice;
    private final Hook hook;
    private final Histogram lagNanos = new Histogram(LoadGenerator.HIGHEST_TRACKABLE_NANOS, 3);

    private long sent;
    private long sendFailures;
    private long cpuNanos;
    private long startedAtNanos;
    private long finishedAtNanos;
    private volatile boolean done;

    Sender(ArrivalSchedule schedule, long startNanos, long warmupNanos, DatagramChannel[] channels,
            InetSocketAddress target, int requestBytes, Pacer pacer, long seed, Hook hook) {
        this.schedule = schedule;
        this.startNanos = startNanos;
        this.warmupNanos = warmupNanos;
        this.channels = channels;
        this.target = target;
        this.requestBytes = requestBytes;
        this.pacer = pacer;
        this.socketChoice = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.hook = hook;
    }

    @Override
    public Void call() throws InterruptedException {
        startedAtNanos = System.nanoTime();
        ByteBuffer buf = ByteBuffer.allocateDirect(requestBytes);
        try {
            for (int id = 0; id < schedule.size(); id++) {
                long intended = startNanos + schedule.offsetNanos(id);
                pacer.awaitNanoTime(intended);
                hook.beforeSend(id);
                Wire.encodeRequest(buf, schedule.type(id), id, requestBytes);
                long now = System.nanoTime();
                if (send(channels[socketChoice.nextInt(channels.length)], buf)) {
                    sent++;
                } else {
                    sendFailures++;
                }
                if (schedule.offsetNanos(id) >= warmupNanos) {
                    lagNanos.recordValue(Math.min(Math.max(now - intended, 0), lagNanos.getHighestTrackableValue()));
                }
            }
            return null;
        } finally {
            finishedAtNanos = System.nanoTime();
            cpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            done = true; // publishes the fields above to the receiver
        }
    }

    /** False when the datagram could not be queued (socket buffer full, or an error): it is not sent. */
    private boolean send(DatagramChannel ch, ByteBuffer buf) {
        try {
            return ch.send(buf, target) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    boolean done() { return done; }

    /** The following are valid once {@link #done()} is true. */
    long sent() { return sent; }

    long sendFailures() { return sendFailures; }

    long startedAtNanos() { return startedAtNanos; }

    long finishedAtNanos() { return finishedAtNanos; }

    long cpuNanos() { return cpuNanos; }

    /** How late the sends of the measured window were. */
    Histogram lagNanos() { return lagNanos; }
}
