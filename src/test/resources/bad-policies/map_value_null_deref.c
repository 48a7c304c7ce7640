// expect: verifier 10 invalid mem access 'map_value_or_null'
#include "syrup.h"

SYRUP_HASH(clients, uint32_t, uint32_t, 1024);

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t port = syrup_src_port(), *choice = bpf_map_lookup_elem(&clients, &port);

	return *choice;
}
