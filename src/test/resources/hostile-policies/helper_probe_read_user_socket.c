// expect: forbidden 8 calls BPF helper bpf_probe_read_user (#112)
/* Reading the memory of whatever process runs when a packet arrives. */
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t v = 0;
	bpf_probe_read_user(&v, sizeof(v), (void *)0x400000);
	return v % syrup_executors();
}
