// expect: verifier 10 cannot write into packet
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint8_t *p = pkt_start;

	if (p + 1 > (uint8_t *)pkt_end)
		return SYRUP_PASS;
	p[0] = 0;
	return 0;
}
