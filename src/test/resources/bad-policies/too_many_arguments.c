// expect: compile 13 too many args
#include "syrup.h"

static __attribute__((noinline)) uint32_t mix(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e, uint32_t f)
{
	return a ^ b ^ c ^ d ^ e ^ f;
}

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t r = syrup_random();

	return mix(r, r >> 1, r >> 2, r >> 3, r >> 4, r >> 5) % syrup_executors();
}
