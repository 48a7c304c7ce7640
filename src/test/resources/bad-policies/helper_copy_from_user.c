// expect: forbidden 8 calls BPF helper bpf_copy_from_user (#148)
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t v = 0;

	bpf_copy_from_user(&v, 4, (void *)0);
	return v % syrup_executors();
}
