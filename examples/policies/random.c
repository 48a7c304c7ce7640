// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Sends each input to an executor picked at random. */
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return syrup_random() % syrup_executors();
}
