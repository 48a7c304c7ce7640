// expect: compile 4 conflicting types for 'schedule'
#include "syrup.h"

int schedule(void *pkt_start, void *pkt_end)
{
	return 0;
}
