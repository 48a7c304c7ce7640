// expect: verifier 8 infinite loop detected
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	volatile uint32_t spins = 0;

	while (1)
		spins++;
	return 0;
}
