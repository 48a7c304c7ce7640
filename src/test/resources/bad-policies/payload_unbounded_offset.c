// expect: verifier 10 invalid access to packet
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint8_t *p = (uint8_t *)pkt_start + syrup_random();

	if (p + 1 > (uint8_t *)pkt_end)
		return SYRUP_PASS;
	return *p % syrup_executors();
}
