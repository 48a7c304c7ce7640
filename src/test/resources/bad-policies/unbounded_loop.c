// expect: verifier 9 The sequence of 8193 jumps is too complex
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t x = syrup_random() | 1, steps = 0;

	/* Collatz: nobody can say how many steps this takes. */
	while (x != 1) {
		x = (x & 1) ? 3 * x + 1 : x / 2;
		steps++;
	}
	return steps % syrup_executors();
}
