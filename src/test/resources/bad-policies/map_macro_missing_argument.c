// expect: compile 4 too few arguments provided to function-like macro invocation
#include "syrup.h"

SYRUP_ARRAY(counts, uint64_t);

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return 0;
}
