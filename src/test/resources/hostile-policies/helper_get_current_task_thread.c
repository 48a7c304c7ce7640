// expect: forbidden 7 calls BPF helper bpf_get_current_task (#35)
/* The current task's address: an input that is not the policy's. */
#include "syrup.h"

uint32_t schedule_thread(const struct syrup_thread *t)
{
	return bpf_get_current_task() & 1 ? 0 : SYRUP_PASS;
}
