// expect: forbidden 8 calls BPF helper bpf_probe_write_user (#36)
/* Writing into the memory of the process that runs. */
#include "syrup.h"

uint32_t schedule_thread(const struct syrup_thread *t)
{
	uint32_t v = 0;
	bpf_probe_write_user((void *)0x400000, &v, sizeof(v));
	return SYRUP_PASS;
}
