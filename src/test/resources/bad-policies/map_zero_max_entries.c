// expect: invalid-request - map 'choice': failed to create: Invalid argument
#include "syrup.h"

SYRUP_ARRAY(choice, uint32_t, 0);

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t zero = 0, *c = bpf_map_lookup_elem(&choice, &zero);

	return c ? *c : SYRUP_PASS;
}
