// expect: verifier 6 program of this type cannot use helper bpf_redirect
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return bpf_redirect(1, 0) ? SYRUP_DROP : SYRUP_PASS;
}
