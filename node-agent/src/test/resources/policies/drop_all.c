// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Drops every input. */
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return SYRUP_DROP;
}
