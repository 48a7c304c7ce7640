// expect: verifier 10 invalid access to packet
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint8_t *p = pkt_start;

	if (p + 4 > (uint8_t *)pkt_end)
		return SYRUP_PASS;
	return p[6] % syrup_executors();
}
