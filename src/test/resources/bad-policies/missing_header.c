// expect: compile 3 'policy_helpers.h' file not found
#include "syrup.h"
#include "policy_helpers.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return 0;
}
