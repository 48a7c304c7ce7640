// expect: forbidden 7 calls BPF helper bpf_override_return (#58)
/* Changing what a kernel function returns. */
#include "syrup.h"

uint32_t schedule_thread(const struct syrup_thread *t)
{
	bpf_override_return((void *)0, 0);
	return SYRUP_PASS;
}
