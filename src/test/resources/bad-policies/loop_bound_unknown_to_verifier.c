// expect: verifier 10 BPF program is too large
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t n = syrup_random(), sum = 0;

	/* Bounded by n < 2^32, but the verifier walks the iterations one by one. */
	for (uint32_t i = 0; i < n; i++)
		sum += (i & 1) ? i : 1;
	return sum % syrup_executors();
}
