// expect: forbidden 8 calls BPF helper bpf_override_return (#58)
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t v = 0;

	bpf_override_return(0, 0);
	return v % syrup_executors();
}
