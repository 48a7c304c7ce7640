// expect: forbidden 8 calls BPF helper bpf_trace_printk (#6)
/* bpf_trace_printk by number, from a thread policy. */
#include "syrup.h"

uint32_t schedule_thread(const struct syrup_thread *t)
{
	char fmt[] = "tid %u";
	((long (*)(const char *, __u32, ...))6)(fmt, sizeof(fmt), t->tid);
	return SYRUP_PASS;
}
