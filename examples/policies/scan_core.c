// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Cross-layer. Socket select: round robin, marking the worker that gets a SCAN in scanning[].
 * Thread hook: that worker gets CPU 0 of the set to itself; every other worker runs elsewhere.
 * The application maps its workers' tids to socket indexes in worker_of (tid -> worker). */
#include "syrup.h"

SYRUP_ARRAY(scanning, uint32_t, SYRUP_MAX_EXECUTORS);  /* worker -> 1 while a SCAN went to it */
SYRUP_HASH(worker_of, uint32_t, uint32_t, 4096);       /* tid -> worker (socket index) */
static uint32_t next;

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t w = syrup_fetch_add(&next, 1) % syrup_executors();
	uint32_t *s = bpf_map_lookup_elem(&scanning, &w);
	if (s)
		*s = syrup_byte(pkt_start, pkt_end, 0) == 'S';
	return w;
}

uint32_t schedule_thread(const struct syrup_thread *t)
{
	uint32_t tid = t->tid, n = syrup_executors();
	uint32_t *w = bpf_map_lookup_elem(&worker_of, &tid);
	uint32_t *s = w ? bpf_map_lookup_elem(&scanning, w) : NULL;
	if (!w || n < 2)
		return SYRUP_PASS;
	return s && *s ? 0 : 1 + *w % (n - 1);
}
