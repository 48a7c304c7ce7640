// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* For the tests: request id (its low byte, payload byte 1) modulo the number of executors, so a test
 * knows which worker must answer each request. Keeps no worker counters. */
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	int low = syrup_byte(pkt_start, pkt_end, 1);

	return low < 0 ? SYRUP_PASS : (uint32_t)low % syrup_executors();
}
