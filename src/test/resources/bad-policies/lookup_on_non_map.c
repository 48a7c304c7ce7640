// expect: verifier 8 expected=map_ptr
#include "syrup.h"

static uint32_t table[4];

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t zero = 0, *c = bpf_map_lookup_elem(table, &zero);

	return c ? *c : SYRUP_PASS;
}
