// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The sched_ext scheduler the agent owns (one per node). It is loaded in
 * partial-switch mode: it schedules only tasks whose policy is SCHED_EXT, i.e.
 * the threads of the cgroups that have a thread policy deployed; every other
 * task stays in the fair class.
 *
 * It does not run user code. Each deployment's thread-policy program (the
 * wrapper of the user's schedule_thread(), thread_policy.bpf.c) writes its
 * decisions, thread id -> CPU, into syrup_thread_cpu: this scheduler owns that
 * map and every wrapper is loaded reusing it. A thread with a decision is
 * dispatched to that CPU's local queue; any other SCHED_EXT thread (no
 * decision yet, or a CPU it may not run on) goes to the global queue, which
 * every CPU consumes.
 *
 * Safety is the kernel's: if this scheduler misbehaves, stalls a task or the
 * agent holding its link exits, the kernel unloads it and all its tasks return
 * to the fair class.
 */
#include "scx_types.h"

/* As SYRUP_THREAD_MAX_THREADS: the map is shared with the thread hook's programs. */
#define SYRUP_SCX_MAX_THREADS 65536

/*
 * Decisions of the deployed thread policies: tid -> CPU (negative: none). The
 * agent loads this object reusing the node-wide map the thread hook's programs
 * write (pinned by the agent), so this definition only gives its shape.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __s32);
	__uint(max_entries, SYRUP_SCX_MAX_THREADS);
} syrup_thread_cpu SEC(".maps");

/* What the scheduler did with tasks (per CPU; must match SchedExtScheduler.java). */
#define SYRUP_SCX_ON_DECIDED_CPU 0 /* inserted into the decided CPU's local queue */
#define SYRUP_SCX_GLOBAL 1         /* no decision: global queue */
#define SYRUP_SCX_NOT_ALLOWED 2    /* decided CPU outside the task's affinity: global queue */
#define SYRUP_SCX_STAT_SLOTS 3

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, SYRUP_SCX_STAT_SLOTS);
} syrup_scx_stats SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&syrup_scx_stats, &slot);
	if (n)
		*n += 1;
}

/*
 * The decided CPU of p if it has one in p's affinity, else -1 (inserting a task
 * into the local queue of a CPU outside its affinity is an error that unloads
 * the scheduler). A task whose migration is disabled at the moment the kernel
 * itself keeps where it is, through the global queue.
 */
static __always_inline __s32 decided_cpu(struct task_struct *p)
{
	__u32 tid = p->pid;
	__s32 *cpu = bpf_map_lookup_elem(&syrup_thread_cpu, &tid);
	if (!cpu || *cpu < 0)
		return -1;
	__s32 c = *cpu;
	if (c >= scx_bpf_nr_cpu_ids() || !bpf_cpumask_test_cpu(c, p->cpus_ptr)) {
		count(SYRUP_SCX_NOT_ALLOWED);
		return -1;
	}
	return c;
}

SEC("struct_ops/syrup_select_cpu")
__s32 BPF_PROG(syrup_select_cpu, struct task_struct *p, __s32 prev_cpu, __u64 wake_flags)
{
	__s32 cpu = decided_cpu(p);
	if (cpu >= 0)
		return cpu; /* the wakeup goes to the decided CPU; enqueue places it there */
	bool idle = 0;
	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &idle);
	if (idle) {
		count(SYRUP_SCX_GLOBAL);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, SCX_SLICE_DFL, 0);
	}
	return cpu;
}

SEC("struct_ops/syrup_enqueue")
void BPF_PROG(syrup_enqueue, struct task_struct *p, __u64 enq_flags)
{
	__s32 cpu = decided_cpu(p);
	if (cpu >= 0) {
		count(SYRUP_SCX_ON_DECIDED_CPU);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cpu, SCX_SLICE_DFL, enq_flags);
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
		return;
	}
	count(SYRUP_SCX_GLOBAL);
	scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

SEC(".struct_ops")
struct sched_ext_ops syrup_ops = {
	.select_cpu = (void *)syrup_select_cpu,
	.enqueue = (void *)syrup_enqueue,
	.flags = SCX_OPS_SWITCH_PARTIAL,
	.name = "syrup",
};

char LICENSE[] SEC("license") = "GPL";
