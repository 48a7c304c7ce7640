package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Coalesces bursts of pod changes into few reconciles of a policy. Each pod change rewrites its node's object, so
 * reconciling a policy for every pod event of a burst would write its node objects once per pod; a pass over
 * them instead picks up every pod that changed since the last one.
 * <p>
 * A pod event reconciles its policy at once when the policy is idle (no pass running, none waiting, the last pass
 * long enough ago). Otherwise it waits: until no pod event came for {@code quiet} (the burst is over), but no
 * longer than {@code spacing} times the last pass's duration after that pass ended, so that at most about
 * 1 / (1 + spacing) of a long burst goes to writing and each node object is rewritten a few times per burst, not
 * once per pod. A pass triggered by anything else (the policy, its node objects' status) takes the waiting pod
 * changes with it.
 */
final class PodBursts extends AbstractEventSource<Void, SchedulingPolicy> {
    private static final Logger LOG = Logger.getLogger(PodBursts.class);
    private final long quietNanos;
    private final double spacing;
    private final Map<ResourceID, State> states = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pod-bursts");
        t.setDaemon(true);
        return t;
    });

    /** A policy's passes and waiting pod changes (nanoTime values). */
    private static final class State {
        boolean running;
        long lastEnd = System.nanoTime();
        long lastDuration;
        long lastStart;
        long lastEvent;
        ScheduledFuture<?> pending;
    }

    PodBursts(Duration quiet, double spacing) {
        super(Void.class, "pod-bursts");
        this.quietNanos = quiet.toNanos();
        this.spacing = Math.max(0, spacing);
    }

    /** Of the policies a pod event concerns, those to reconcile now; the others get a reconcile later. */
    synchronized Set<ResourceID> admit(Set<ResourceID> policies) {
        if (!isRunning() || policies.isEmpty()) {
            return policies;
        }
        long now = System.nanoTime();
        Set<ResourceID> reconcileNow = new HashSet<>();
        for (ResourceID id : policies) {
            State s = states.computeIfAbsent(id, x -> new State());
            if (!s.running && s.pending == null && now - s.lastEnd >= spacingAfter(s)) {
                reconcileNow.add(id);
                continue;
            }
            s.lastEvent = now;
            schedule(id, s, now);
        }
        return reconcileNow;
    }

    /** A pass over the policy starts: it sees every pod change so far. */
    synchronized void started(ResourceID id) {
        State s = states.computeIfAbsent(id, x -> new State());
        s.running = true;
        s.lastStart = System.nanoTime();
        cancel(s);
    }

    /**
     * The pass is over. Pod changes that came meanwhile wait for quiet counted from now: while the pass writes, the
     * API server is busy with it and pod events may pause without the burst being over.
     */
    synchronized void finished(ResourceID id) {
        State s = states.get(id);
        if (s == null) {
            return;
        }
        long now = System.nanoTime();
        s.running = false;
        s.lastEnd = now;
        s.lastDuration = now - s.lastStart;
        if (s.lastEvent > s.lastStart) {
            s.lastEvent = now;
            schedule(id, s, now);
        }
    }

    synchronized void forget(ResourceID id) {
        State s = states.remove(id);
        if (s != null) {
            cancel(s);
        }
    }

    @Override
    public void stop() {
        timer.shutdownNow();
        super.stop();
    }

    @Override
    public Set<Void> getSecondaryResources(SchedulingPolicy primary) {
        return Set.of();
    }

    private long spacingAfter(State s) {
        return (long) (spacing * s.lastDuration);
    }

    /**
     * (Re)schedules the waiting pod changes: quiet after the last event, at the latest spacing after the last pass.
     * During a pass nothing is scheduled; finished() does it.
     */
    private void schedule(ResourceID id, State s, long now) {
        cancel(s);
        if (s.running) {
            return;
        }
        long at = Math.min(s.lastEvent + quietNanos, s.lastEnd + spacingAfter(s));
        s.pending = timer.schedule(() -> fire(id), Math.max(0, at - now), TimeUnit.NANOSECONDS);
    }

    private void fire(ResourceID id) {
        synchronized (this) {
            State s = states.get(id);
            if (s == null || s.pending == null) {
                return;
            }
            s.pending = null;
        }
        if (isRunning()) {
            LOG.debugf("%s: reconciling for the pod changes of a burst", id);
            getEventHandler().handleEvent(new Event(id));
        }
    }

    private static void cancel(State s) {
        if (s.pending != null) {
            s.pending.cancel(false);
            s.pending = null;
        }
    }
}
