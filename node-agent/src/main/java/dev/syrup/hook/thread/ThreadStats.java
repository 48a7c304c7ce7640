package dev.syrup.hook.thread;

/**
 * What a backend did for one thread deployment.
 *
 * @param backend   "affinity" or "sched_ext"
 * @param events    decisions received from the BPF programs
 * @param moved     decisions applied (the thread's CPUs changed)
 * @param skipped   decisions not applied: the thread left the cgroup or exited, or the CPU was not
 *                  among those the application allowed it
 * @param threads   threads currently held away from their original scheduling
 * @param latencyP50Us event-to-decision latency of the recent moves (BPF timestamp to the return of
 *                  sched_setaffinity), median, microseconds; -1 if none
 * @param latencyP99Us the same, 99th percentile
 */
public record ThreadStats(String backend, long events, long moved, long skipped, int threads,
                          double latencyP50Us, double latencyP99Us) {}
