// expect: forbidden 8 map 'out' is a ringbuf map
/* A ring buffer of its own, to emit events to userspace. */
#include "syrup.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} out SEC(".maps");

uint32_t schedule_thread(const struct syrup_thread *t)
{
	return SYRUP_PASS;
}
