// expect: forbidden 7 calls BPF helper bpf_trace_printk (#6)
/* Printing to the node's trace pipe. */
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	bpf_printk("packet of %u bytes", syrup_payload_len(pkt_start, pkt_end));
	return SYRUP_PASS;
}
