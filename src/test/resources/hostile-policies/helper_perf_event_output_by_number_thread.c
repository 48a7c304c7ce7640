// expect: forbidden 8 calls BPF helper bpf_perf_event_output (#25)
/* Emitting perf events of its own, by number (it has no perf event array to name). */
#include "syrup.h"

uint32_t schedule_thread(const struct syrup_thread *t)
{
	uint64_t v = t->runtime_ns;
	((long (*)(void *, void *, __u64, void *, __u64))25)((void *)0, (void *)0, 0, &v, sizeof(v));
	return SYRUP_PASS;
}
