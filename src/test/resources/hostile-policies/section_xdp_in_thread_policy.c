// expect: forbidden 8 program section 'xdp'
/* An XDP program of its own in a thread policy. */
#include "syrup.h"

SEC("xdp")
int drop_all(struct xdp_md *ctx)
{
	return XDP_DROP;
}

uint32_t schedule_thread(const struct syrup_thread *t)
{
	return SYRUP_PASS;
}
