// expect: compile 6 A call to built-in function '__floatunsidf' is not supported
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	double load = syrup_payload_len(pkt_start, pkt_end) * 1.5;

	return (uint32_t)load % syrup_executors();
}
