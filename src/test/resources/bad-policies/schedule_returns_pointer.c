// expect: compile 4 conflicting types for 'schedule'
#include "syrup.h"

void *schedule(void *pkt_start, void *pkt_end)
{
	return pkt_start;
}
