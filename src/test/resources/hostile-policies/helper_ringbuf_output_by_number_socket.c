// expect: forbidden 10 calls BPF helper bpf_ringbuf_output (#130)
/* bpf_ringbuf_output by number, on a map of its own. */
#include "syrup.h"

SYRUP_ARRAY(box, uint64_t, 1);

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint64_t v = 1;
	((long (*)(void *, void *, __u64, __u64))130)(&box, &v, sizeof(v), 0);
	return SYRUP_PASS;
}
