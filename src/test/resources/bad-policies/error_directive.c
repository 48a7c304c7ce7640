// expect: compile 4 this policy is not finished yet
#include "syrup.h"

#error this policy is not finished yet

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return 0;
}
