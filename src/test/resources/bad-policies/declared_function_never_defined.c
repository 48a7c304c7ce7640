// expect: compile - pick_executor is called but not defined
#include "syrup.h"

uint32_t pick_executor(void *pkt_start, void *pkt_end);

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return pick_executor(pkt_start, pkt_end);
}
