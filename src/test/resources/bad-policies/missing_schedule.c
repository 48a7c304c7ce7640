// expect: compile - policy does not define schedule()
#include "syrup.h"

uint32_t pick(void *pkt_start, void *pkt_end)
{
	return 0;
}
