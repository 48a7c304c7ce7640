// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Counts the inputs it is asked about in seen[0] and spreads them round robin:
 * shows that a policy only sees its own application's traffic. */
#include "syrup.h"

SYRUP_ARRAY(seen, uint64_t, 1);

static uint32_t next;

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t zero = 0;
	uint64_t *n = bpf_map_lookup_elem(&seen, &zero);

	if (n)
		syrup_fetch_add(n, 1);
	return syrup_fetch_add(&next, 1) % syrup_executors();
}
