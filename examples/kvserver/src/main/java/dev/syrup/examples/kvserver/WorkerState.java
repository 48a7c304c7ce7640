package dev.syrup.examples.kvserver;

import dev.syrup.bpf.MappedMap;

/**
 * The per-worker counters a counting policy (scan_avoid.c, least_loaded.c) keeps in its
 * {@value #MAP} map: the policy adds a request to a worker's counters when it steers one there,
 * the worker takes it off when it has served it. The server writes straight into the mmap'd map,
 * with no system call per request; the counters never go below zero, so a policy that does not
 * count (or datagrams that arrived before the policy) leave them alone.
 */
final class WorkerState {
    /** The map's name in the policies. */
    static final String MAP = "workers";
    // Must match struct worker_state in examples/policies/scan_avoid.c and least_loaded.c:
    // struct worker_state { uint32_t queued; uint32_t scans; };
    static final int QUEUED_OFFSET = 0;
    static final int SCANS_OFFSET = 4;
    static final int STATE_BYTES = 8;

    private static final WorkerState NONE = new WorkerState(null, 0);

    private final MappedMap map;
    private final int stride;

    private WorkerState(MappedMap map, int stride) {
        this.map = map;
        this.stride = stride;
    }

    /** No map: nothing to publish. */
    static WorkerState none() { return NONE; }

    /** Publishes into map, which must hold a struct worker_state for each of workers. */
    static WorkerState publishing(MappedMap map, int workers) {
        if (map.stride() < STATE_BYTES || map.entries() < workers) {
            throw new IllegalArgumentException("map " + MAP + " holds " + map.entries() + " elements of " + map.stride()
                    + " bytes; this server needs " + workers + " of at least " + STATE_BYTES + " (struct worker_state)");
        }
        return new WorkerState(map, map.stride());
    }

    /** Worker has served a request; scan says whether the policy counted it as a SCAN. */
    void finished(int worker, boolean scan) {
        if (map == null) {
            return;
        }
        map.decrementIfPositive(worker * stride + QUEUED_OFFSET);
        if (scan) {
            map.decrementIfPositive(worker * stride + SCANS_OFFSET);
        }
    }

    int queued(int worker) { return map == null ? 0 : map.getInt(worker * stride + QUEUED_OFFSET); }

    int scans(int worker) { return map == null ? 0 : map.getInt(worker * stride + SCANS_OFFSET); }
}
