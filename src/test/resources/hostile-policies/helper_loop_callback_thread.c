// expect: forbidden 12 takes the address of a function (a callback)
/* bpf_loop would run a callback the hook never calls as the policy's entry point. */
#include "syrup.h"

static long step(__u32 i, void *ctx)
{
	return 0;
}

uint32_t schedule_thread(const struct syrup_thread *t)
{
	bpf_loop(4, step, (void *)0, 0);
	return SYRUP_PASS;
}
