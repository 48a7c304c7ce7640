// expect: compile 6 cannot assign to variable 'syrup_cfg' with const-qualified type
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	syrup_cfg.nr_executors = 1;
	return 0;
}
