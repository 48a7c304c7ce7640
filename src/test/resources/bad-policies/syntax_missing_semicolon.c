// expect: compile 6 expected ';' at end of declaration
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t n = syrup_executors()
	return n - 1;
}
