// Thread hook: uses a map value without checking the lookup; the verifier must refuse it.
#include "syrup.h"

SYRUP_HASH(cpu_of, uint32_t, uint32_t, 64);

uint32_t schedule_thread(const struct syrup_thread *t)
{
	uint32_t tid = t->tid;
	uint32_t *cpu = bpf_map_lookup_elem(&cpu_of, &tid);
	return *cpu;
}
