// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Hands inputs to the executors in turn: 0, 1, ..., N-1, 0, ... */
#include "syrup.h"

static uint32_t next;

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return syrup_fetch_add(&next, 1) % syrup_executors();
}
