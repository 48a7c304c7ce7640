// expect: verifier 8 program of this type cannot use helper bpf_override_return
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t v = 0;

	bpf_override_return(0, 0);
	return v % syrup_executors();
}
