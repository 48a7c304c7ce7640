// expect: forbidden 10 'bpf_task_from_pid' is a .ksyms extern
/* A kernel function (kfunc): takes a reference to any task of the node by its pid. */
#include "syrup.h"

struct task_struct *bpf_task_from_pid(__s32 pid) __ksym;
void bpf_task_release(struct task_struct *p) __ksym;

uint32_t schedule_thread(const struct syrup_thread *t)
{
	struct task_struct *p = bpf_task_from_pid(1);
	if (p)
		bpf_task_release(p);
	return SYRUP_PASS;
}
