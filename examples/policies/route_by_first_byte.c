// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The first payload byte names the executor (raw value 0..N-1); inputs without
 * a payload or with a larger byte get the kernel's default choice. */
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	int b = syrup_byte(pkt_start, pkt_end, 0);

	if (b < 0 || (uint32_t)b >= syrup_executors())
		return SYRUP_PASS;
	return b;
}
