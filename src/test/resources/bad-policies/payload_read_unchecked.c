// expect: verifier 6 invalid access to packet
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint8_t first = *(uint8_t *)pkt_start;

	return first % syrup_executors();
}
