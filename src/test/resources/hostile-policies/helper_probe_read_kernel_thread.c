// expect: forbidden 12 calls BPF helper bpf_probe_read_kernel (#113)
/* A thread policy that reads kernel memory at an address of its choosing and keeps it in its map,
 * which the tenant's pod can read: tracepoint programs may call bpf_probe_read_kernel, a policy may not. */
#include "syrup.h"

SYRUP_ARRAY(loot, uint64_t, 1);

uint32_t schedule_thread(const struct syrup_thread *t)
{
	uint32_t zero = 0;
	uint64_t v = 0;
	bpf_probe_read_kernel(&v, sizeof(v), (void *)(t->runtime_ns | 0xffff000000000000ull));
	bpf_map_update_elem(&loot, &zero, &v, BPF_ANY);
	return SYRUP_PASS;
}
