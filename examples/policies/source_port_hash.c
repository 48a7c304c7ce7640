// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Keeps each client (source port) on one executor: a multiplicative hash of
 * the source port, modulo the number of executors. */
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t h = syrup_src_port() * 2654435761u;

	return (h >> 16) % syrup_executors();
}
