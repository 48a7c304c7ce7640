// expect: forbidden 8 calls BPF helper bpf_skb_load_bytes (#26)
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint8_t b = 0;

	bpf_skb_load_bytes(pkt_start, 0, &b, 1);
	return b % syrup_executors();
}
