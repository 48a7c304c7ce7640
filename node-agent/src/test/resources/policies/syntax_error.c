// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Does not compile: a missing semicolon on line 8. */
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t x = 1
	return x;
}
