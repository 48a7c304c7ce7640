package dev.syrup.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The receiving half of a run: one thread, one {@link Selector} over every client socket. Each
 * reply is matched to its request by id and its latency taken from the request's intended send
 * time. Requests meant for the warm-up are not recorded. Stops when every sent request is
 * answered or {@code graceNanos} after the sender finished.
 */
final class ReplyReceiver implements Callable<Void> {
    private final ArrivalSchedule schedule;
    private final long startNanos;
    private final long warmupNanos;
    private final long durationNanos;
    private final long graceNanos;
    private final Selector selector;
    private final Sender sender;

    private final boolean[] answered;
    private final Histogram getNanos = new Histogram(LoadGenerator.HIGHEST_TRACKABLE_NANOS, 3);
    private final Histogram scanNanos = new Histogram(LoadGenerator.HIGHEST_TRACKABLE_NANOS, 3);
    private final long[] workerServed = new long[256];
    private long received;
    private long repliesInWindow;
    private long unmatched;
    private long cpuNanos;
    private long startedAtNanos;
    private long finishedAtNanos;

    ReplyReceiver(ArrivalSchedule schedule, long startNanos, long warmupNanos, long durationNanos, long graceNanos,
            Selector selector, Sender sender) {
        this.schedule = schedule;
        this.startNanos = startNanos;
        this.warmupNanos = warmupNanos;
        this.durationNanos = durationNanos;
        this.graceNanos = graceNanos;
        this.selector = selector;
        this.sender = sender;
        this.answered = new boolean[schedule.size()];
    }

    @Override
    public Void call() throws IOException {
        startedAtNanos = System.nanoTime();
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(50); // re-check the sender at least this often
                if (sender.done()) {
                    if (received >= sender.sent()) {
                        break;
                    }
                    timeoutNanos = sender.finishedAtNanos() + graceNanos - System.nanoTime();
                    if (timeoutNanos <= 0) {
                        break;
                    }
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999)));
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    DatagramChannel ch = (DatagramChannel) keys.next().channel();
                    keys.remove();
                    drain(ch, buf);
                }
            }
            return null;
        } finally {
            finishedAtNanos = System.nanoTime();
            cpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        }
    }

    private void drain(DatagramChannel ch, ByteBuffer buf) throws IOException {
        while (true) {
            buf.clear();
            if (ch.receive(buf) == null) {
                return;
            }
            long now = System.nanoTime();
            buf.flip();
            onReply(buf, now);
        }
    }

    private void onReply(ByteBuffer buf, long now) {
        if (!Wire.isReply(buf)) {
            unmatched++;
            return;
        }
        long id = Wire.id(buf);
        if (id < 0 || id >= answered.length || answered[(int) id] || Wire.type(buf) != schedule.type((int) id)) {
            unmatched++;
            return;
        }
        int i = (int) id;
        answered[i] = true;
        received++;
        long since = now - startNanos;
        if (since >= warmupNanos && since < durationNanos) {
            repliesInWindow++;
        }
        long offset = schedule.offsetNanos(i);
        if (offset < warmupNanos) {
            return;
        }
        Histogram h = schedule.type(i) == Wire.SCAN ? scanNanos : getNanos;
        h.recordValue(Math.min(Math.max(now - startNanos - offset, 0), h.getHighestTrackableValue()));
        workerServed[Wire.worker(buf)]++;
    }

    /** The following are valid once the thread has ended. */
    long received() { return received; }

    long repliesInWindow() { return repliesInWindow; }

    long unmatched() { return unmatched; }

    Histogram getNanos() { return getNanos; }

    Histogram scanNanos() { return scanNanos; }

    long[] workerServed() { return workerServed; }

    long cpuNanos() { return cpuNanos; }

    long wallNanos() { return finishedAtNanos - startedAtNanos; }
}
