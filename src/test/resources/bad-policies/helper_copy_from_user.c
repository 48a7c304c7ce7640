// expect: verifier 8 helper call might sleep in a non-sleepable prog
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t v = 0;

	bpf_copy_from_user(&v, 4, (void *)0);
	return v % syrup_executors();
}
