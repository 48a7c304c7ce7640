// expect: forbidden 7 calls BPF helper bpf_get_current_pid_tgid (#14)
/* Whichever process happens to run when the packet arrives is not the policy's input. */
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return (uint32_t)bpf_get_current_pid_tgid() % syrup_executors();
}
