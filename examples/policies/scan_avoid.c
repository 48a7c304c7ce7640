// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Shortest queue; a GET avoids workers with a SCAN, a SCAN never takes the last worker without one. */
#include "syrup.h"

struct worker_state { uint32_t queued; uint32_t scans; }; /* must match WorkerState.java (kvserver) */
SYRUP_MMAP_ARRAY(workers, struct worker_state, SYRUP_MAX_EXECUTORS);

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	int scan = syrup_byte(pkt_start, pkt_end, 0) == 'S';
	uint32_t clear = 0, best = 0; /* clear: workers without a SCAN, counted up to 2 (for the verifier) */
	struct worker_state *w;
	uint64_t cost, best_cost = ~0ull;
	for (uint32_t i = 0, key = 0; i < SYRUP_MAX_EXECUTORS && i < syrup_executors() && clear < 2; key = ++i)
		if ((w = bpf_map_lookup_elem(&workers, &key)) && !w->scans)
			clear++;
	int avoid_clear = scan && clear == 1, avoid_scanning = !scan;
	for (uint32_t i = 0, key = 0; i < SYRUP_MAX_EXECUTORS && i < syrup_executors()
	     && (w = bpf_map_lookup_elem(&workers, &key)); key = ++i) {
		cost = w->queued + ((w->scans ? avoid_scanning : avoid_clear) ? 1ull << 31 : 0);
		if (cost < best_cost)
			best = i, best_cost = cost;
	}
	if (!(w = bpf_map_lookup_elem(&workers, &best)))
		return SYRUP_PASS;
	syrup_fetch_add(&w->queued, 1);
	syrup_fetch_add(&w->scans, scan);
	return best;
}
