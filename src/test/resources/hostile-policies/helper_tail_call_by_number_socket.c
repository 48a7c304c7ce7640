// expect: forbidden 7 calls BPF helper bpf_tail_call (#12)
/* Jumping to another program, by number. */
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	((long (*)(void *, void *, __u32))12)(pkt_start, (void *)0, 0);
	return SYRUP_PASS;
}
