// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The verifier must reject this: it reads the payload without checking its length. */
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint8_t first = *(uint8_t *)pkt_start;
	return first % syrup_executors();
}
