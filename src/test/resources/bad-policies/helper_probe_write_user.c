// expect: forbidden 8 calls BPF helper bpf_probe_write_user (#36)
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t v = 0;

	bpf_probe_write_user((void *)0, &v, 4);
	return v % syrup_executors();
}
