// expect: forbidden 8 program section 'kprobe/do_nanosleep'
/* A kprobe program next to the policy, which root would load with it. */
#include "syrup.h"

SEC("kprobe/do_nanosleep")
int spy(void *ctx)
{
	return 0;
}

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return SYRUP_PASS;
}
