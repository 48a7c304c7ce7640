// expect: forbidden 9 more than the limit of 67108864 bytes per policy
/* 1 GiB of map memory on every node the policy reaches. */
#include "syrup.h"

struct page {
	uint8_t bytes[4096];
};

SYRUP_HASH(pages, uint32_t, struct page, 1 << 18);

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t zero = 0;
	struct page *p = bpf_map_lookup_elem(&pages, &zero);
	return p ? p->bytes[0] % syrup_executors() : SYRUP_PASS;
}
