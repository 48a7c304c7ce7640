// expect: invalid-request - map 'clients': can't determine key size
#include "syrup.h"

SYRUP_HASH(clients, void, uint32_t, 1024);

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t key = syrup_src_port(), *v = bpf_map_lookup_elem(&clients, &key);

	return v ? *v : SYRUP_PASS;
}
