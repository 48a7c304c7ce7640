// expect: forbidden 8 program section 'struct_ops/init'
/* A struct_ops program (e.g. of a sched_ext scheduler or a TCP congestion control). */
#include "syrup.h"

SEC("struct_ops/init")
int replace_init(unsigned long long *ctx)
{
	return 0;
}

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return SYRUP_PASS;
}
