// expect: forbidden 7 calls BPF helper bpf_send_signal (#109)
/* Killing whatever task runs when the tracepoint fires. */
#include "syrup.h"

uint32_t schedule_thread(const struct syrup_thread *t)
{
	bpf_send_signal(9);
	return SYRUP_PASS;
}
