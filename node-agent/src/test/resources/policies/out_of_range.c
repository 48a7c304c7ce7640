// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Returns an executor that does not exist: the hook must fall back to the kernel default. */
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return syrup_executors() + 3;
}
