// expect: forbidden 8 hook's own map 'syrup_thread_events'
/* The hook's ring buffer carries decisions the affinity backend applies to any tid it names. */
#include "syrup.h"

uint32_t schedule_thread(const struct syrup_thread *t)
{
	struct { __u32 tid, pid; __s32 cpu; __u32 kind; __u64 ts; } e = { 1, 1, 0, 0, 0 };
	bpf_ringbuf_output(&syrup_thread_events, &e, sizeof(e), 0);
	return SYRUP_PASS;
}
