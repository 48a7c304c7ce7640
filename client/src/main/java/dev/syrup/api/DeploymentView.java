package dev.syrup.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A deployment as syrupd reports it (docs/protocol.md, Deployment). */
public record DeploymentView(String id, Owner owner, Policy policy, List<Target> targets) {
    public record Owner(int uid, String cgroup) {}

    public record Policy(String name, String sha256) {}

    /**
     * One hook target. Network hooks fill protocol, port, netns (and interface); the thread hook
     * fills cgroup and threads. A socket-select target, which follows the application's sockets,
     * fills state ("attached", "waiting" or "failed"), live (its executors now), changedAt (when
     * either last changed, ISO-8601) and, when failed, problem.
     */
    public record Target(String hook, String protocol, int port, String netns, @JsonProperty("interface") String iface,
                         List<Integer> cpus, int executors, long[] decisions, long pass, long drop, long fallback,
                         String cgroup, Threads threads, String state, Integer live, String changedAt, String problem) {
        /** A target that does not follow sockets. */
        public Target(String hook, String protocol, int port, String netns, String iface, List<Integer> cpus,
                      int executors, long[] decisions, long pass, long drop, long fallback, String cgroup, Threads threads) {
            this(hook, protocol, port, netns, iface, cpus, executors, decisions, pass, drop, fallback, cgroup, threads,
                    null, null, null, null);
        }

        /** A network hook's target. */
        public Target(String hook, String protocol, int port, String netns, String iface, List<Integer> cpus,
                      int executors, long[] decisions, long pass, long drop, long fallback) {
            this(hook, protocol, port, netns, iface, cpus, executors, decisions, pass, drop, fallback, null, null);
        }

        /** Whether the target waits for its application's sockets (its counters are from before). */
        public boolean waiting() { return "waiting".equals(state); }
    }

    /**
     * What the thread backend did: which backend ("affinity" or "sched_ext"), decisions received,
     * applied and skipped, threads held away from their original CPUs, and the event-to-decision
     * latency of recent moves in microseconds (-1 when there were none); which threads the target
     * schedules ("all" of its cgroup, or the "registered" ones) and how many are registered.
     */
    public record Threads(String backend, long events, long moved, long skipped, int threads,
                          double latencyP50Us, double latencyP99Us, String selection, int registered) {}
}
