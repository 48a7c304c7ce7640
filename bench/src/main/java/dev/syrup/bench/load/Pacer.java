package dev.syrup.bench.load;

import java.util.concurrent.locks.LockSupport;

/**
 * Waits until a point in time without occupying a CPU. On a 2-core machine a sender that
 * busy-waits takes a core from the server under test and every scheduling policy then looks
 * alike, so the wait is a park with at most {@code spinNanos} of spinning at its end.
 *
 * <p>A park wakes late: Linux's timer slack (50 µs for ordinary threads) plus the wake-up, about
 * 70 µs on our machines. The pacer learns that overshoot (a moving average of what it observes)
 * and asks to be woken that much, plus a small margin, before the deadline; it then spins for
 * the few microseconds left. It never spins while more than {@code spinNanos} remain: a
 * deadline too close to park for and too far to spin for is parked for, and met late.
 */
final class Pacer {
    /** Wake this long before the deadline on average, to absorb the overshoot's jitter. */
    private static final long MARGIN_NANOS = 10_000;
    /** Overshoots beyond this (the thread was descheduled) are not the timer's doing. */
    private static final long MAX_OVERSHOOT_SAMPLE_NANOS = 200_000;
    private static final int SMOOTHING = 16;

    private final long spinNanos;
    private long overshootNanos;

    Pacer(long spinNanos) {
        if (spinNanos < 0) {
            throw new IllegalArgumentException("spin " + spinNanos + " ns");
        }
        this.spinNanos = spinNanos;
    }

    /**
     * Returns at or just after {@code deadline} ({@link System#nanoTime()} scale), at once if it
     * has passed. Throws if the thread is interrupted (parking would return at once).
     */
    void awaitNanoTime(long deadline) throws InterruptedException {
        while (true) {
            long now = System.nanoTime();
            long remaining = deadline - now;
            if (remaining <= 0) {
                return;
            }
            long park = remaining - overshootNanos - MARGIN_NANOS;
            if (park <= 0) {
                if (remaining <= spinNanos) {
                    spinUntil(deadline);
                    return;
                }
                park = remaining - spinNanos;
            }
            LockSupport.parkNanos(park);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long overshoot = System.nanoTime() - now - park;
            if (overshoot >= 0) { // a spurious early return tells nothing
                overshootNanos += (Math.min(overshoot, MAX_OVERSHOOT_SAMPLE_NANOS) - overshootNanos) / SMOOTHING;
            }
        }
    }

    /** The overshoot of a park as learnt so far, in nanoseconds. */
    long overshootNanos() {
        return overshootNanos;
    }

    private static void spinUntil(long deadline) {
        while (deadline - System.nanoTime() > 0) {
            Thread.onSpinWait();
        }
    }
}
