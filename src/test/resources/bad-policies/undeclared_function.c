// expect: compile 6 implicit declaration of function 'pick_executor'
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return pick_executor(pkt_start, pkt_end);
}
