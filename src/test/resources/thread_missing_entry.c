// Deployed at the thread hook, but defines only the network entry point.
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return 0;
}
