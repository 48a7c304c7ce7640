// expect: compile 4 conflicting types for 'schedule'
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end, uint32_t executors)
{
	return 0;
}
