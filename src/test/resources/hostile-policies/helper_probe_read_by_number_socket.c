// expect: forbidden 8 calls BPF helper bpf_probe_read (#4)
/* The old, unchecked bpf_probe_read, by number. */
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t v = 0;
	((long (*)(void *, __u32, const void *))4)(&v, sizeof(v), (void *)0x400000);
	return v % syrup_executors();
}
