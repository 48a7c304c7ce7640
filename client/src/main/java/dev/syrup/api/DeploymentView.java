package dev.syrup.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A deployment as syrupd reports it (docs/protocol.md, Deployment). */
public record DeploymentView(String id, Owner owner, Policy policy, List<Target> targets) {
    public record Owner(int uid, String cgroup) {}

    public record Policy(String name, String sha256) {}

    /**
     * One hook target. Network hooks fill protocol, port, netns (and interface); the thread hook
     * fills cgroup and threads.
     */
    public record Target(String hook, String protocol, int port, String netns, @JsonProperty("interface") String iface,
                         List<Integer> cpus, int executors, long[] decisions, long pass, long drop, long fallback,
                         String cgroup, Threads threads) {
        /** A network hook's target. */
        public Target(String hook, String protocol, int port, String netns, String iface, List<Integer> cpus,
                      int executors, long[] decisions, long pass, long drop, long fallback) {
            this(hook, protocol, port, netns, iface, cpus, executors, decisions, pass, drop, fallback, null, null);
        }
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
