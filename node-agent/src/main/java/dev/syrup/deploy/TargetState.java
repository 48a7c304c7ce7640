package dev.syrup.deploy;

import java.time.Instant;

/**
 * Whether a deployment's target is steering now: attached (live executors), waiting (the
 * application has no socket on the port, e.g. while it restarts) or failed (problem says why).
 */
public record TargetState(State state, int live, Instant changedAt, String problem) {
    public enum State {
        ATTACHED, WAITING, FAILED;

        public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    static TargetState of(int live, Instant at) {
        return new TargetState(live > 0 ? State.ATTACHED : State.WAITING, live, at, null);
    }

    static TargetState failed(int live, Instant at, String problem) {
        return new TargetState(State.FAILED, live, at, problem);
    }

    /** Whether other says the same as this, apart from when. */
    boolean sameAs(TargetState other) {
        return other != null && state == other.state && live == other.live
                && java.util.Objects.equals(problem, other.problem);
    }
}
