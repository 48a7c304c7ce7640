// expect: verifier 8 the call stack of 9 frames is too deep
#include "syrup.h"

static __attribute__((noinline)) uint32_t odd(uint32_t n);

static __attribute__((noinline)) uint32_t even(uint32_t n)
{
	return n == 0 ? 1 : odd(n - 1);
}

static __attribute__((noinline)) uint32_t odd(uint32_t n)
{
	return n == 0 ? 0 : even(n - 1);
}

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return even(syrup_random()) % syrup_executors();
}
