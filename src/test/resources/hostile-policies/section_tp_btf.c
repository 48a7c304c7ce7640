// expect: forbidden 8 program section 'tp_btf/sched_switch'
/* A tracing program of its own, on the scheduler's tracepoint. */
#include "syrup.h"

SEC("tp_btf/sched_switch")
int watch(unsigned long long *ctx)
{
	return 0;
}

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return SYRUP_PASS;
}
