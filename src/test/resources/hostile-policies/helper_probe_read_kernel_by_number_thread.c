// expect: forbidden 11 calls BPF helper bpf_probe_read_kernel (#113)
/* The same read, calling the helper by its number instead of its name. */
#include "syrup.h"

SYRUP_ARRAY(loot, uint64_t, 1);

uint32_t schedule_thread(const struct syrup_thread *t)
{
	uint32_t zero = 0;
	uint64_t v = 0;
	((long (*)(void *, __u32, const void *))113)(&v, sizeof(v), (void *)t->runtime_ns);
	bpf_map_update_elem(&loot, &zero, &v, BPF_ANY);
	return SYRUP_PASS;
}
