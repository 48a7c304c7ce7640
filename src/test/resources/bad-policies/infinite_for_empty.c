// expect: verifier 6 infinite loop detected
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	for (;;)
		;
	return 0;
}
