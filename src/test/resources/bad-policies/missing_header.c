// expect: forbidden 3 #include "policy_helpers.h" (a policy may include only syrup.h)
#include "syrup.h"
#include "policy_helpers.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return 0;
}
