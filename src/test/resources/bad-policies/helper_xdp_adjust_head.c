// expect: forbidden 8 calls BPF helper bpf_xdp_adjust_head (#44)
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t v = 0;

	bpf_xdp_adjust_head(pkt_start, 4);
	return v % syrup_executors();
}
