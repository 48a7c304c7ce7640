// expect: verifier 6 infinite loop detected
#include "syrup.h"

static __attribute__((noinline)) uint32_t depth(uint32_t n)
{
	return depth(n + 1) + 1;
}

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return depth(0) % syrup_executors();
}
