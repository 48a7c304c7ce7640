// expect: compile 9 redefinition of 'schedule'
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return 0;
}

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return 1;
}
