// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Every request joins the shortest queue, whatever its type. It counts SCANs too, so the same
 * server (which uncounts what it finishes) runs under this policy and under scan_avoid.c. */
#include "syrup.h"

struct worker_state { uint32_t queued; uint32_t scans; }; /* must match WorkerState.java (kvserver) */
SYRUP_MMAP_ARRAY(workers, struct worker_state, SYRUP_MAX_EXECUTORS);

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t best = 0, best_queued = ~0u;
	struct worker_state *w;

	for (uint32_t i = 0; i < SYRUP_MAX_EXECUTORS && i < syrup_executors(); i++) {
		uint32_t key = i;
		if (!(w = bpf_map_lookup_elem(&workers, &key)))
			break;
		if (w->queued < best_queued)
			best = i, best_queued = w->queued;
	}
	if (!(w = bpf_map_lookup_elem(&workers, &best)))
		return SYRUP_PASS;
	syrup_fetch_add(&w->queued, 1);
	syrup_fetch_add(&w->scans, syrup_byte(pkt_start, pkt_end, 0) == 'S');
	return best;
}
