// expect: forbidden 10 hook's own map 'syrup_thread_cpu'
/* syrup_thread_cpu is shared by every thread deployment of the node and read by the in-kernel
 * scheduler: writing it would move other tenants' threads to the CPUs this policy picks. */
#include "syrup.h"

uint32_t schedule_thread(const struct syrup_thread *t)
{
	__u32 victim = 1;
	__s32 cpu = 0;
	bpf_map_update_elem(&syrup_thread_cpu, &victim, &cpu, BPF_ANY);
	return SYRUP_PASS;
}
