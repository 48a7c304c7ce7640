// expect: compile - expected '}'
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	if (pkt_start == pkt_end) {
		return SYRUP_PASS;
	return 0;
}
