// expect: verifier 12 invalid access to map value
#include "syrup.h"

SYRUP_ARRAY(choice, uint32_t, 1);

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t zero = 0, *c = bpf_map_lookup_elem(&choice, &zero);

	if (!c)
		return SYRUP_PASS;
	return c[3];
}
