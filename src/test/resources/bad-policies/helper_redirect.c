// expect: forbidden 6 calls BPF helper bpf_redirect (#23)
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return bpf_redirect(1, 0) ? SYRUP_DROP : SYRUP_PASS;
}
