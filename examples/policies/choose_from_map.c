// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Sends every input to the executor the application wrote into choice[0]
 * (0 until it writes another); one that does not exist means the kernel decides. */
#include "syrup.h"

SYRUP_ARRAY(choice, uint32_t, 1);

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t zero = 0, *c = bpf_map_lookup_elem(&choice, &zero);

	return c ? *c : SYRUP_PASS;
}
