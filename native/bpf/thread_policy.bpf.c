// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * thread hook: BTF tracepoint programs on the scheduler's events that run the
 * user's schedule_thread() for threads of the deployment's cgroup v2 (and, once
 * the application registers threads, only for those) and publish its choice:
 *   - syrup_thread_cpu: tid -> CPU, node-wide (every thread deployment shares
 *     it), read by a backend that dispatches in the kernel (sched_ext);
 *   - syrup_thread_events: a ring buffer of changed decisions, which the
 *     affinity backend applies from userspace with sched_setaffinity.
 * A decision equal to the one already published is not published again.
 * Compiled together with the policy: -DSYRUP_POLICY_FILE="policy.c".
 */
#include "syrup_hook.h"
#include "syrup_thread.h"
#include <bpf/bpf_tracing.h>

/*
 * The policy, defined by the user's file (included at the end). It stays a BPF subprogram of its
 * own, apart from the programs below: they need helpers and maps a policy must not have
 * (bpf_probe_read_kernel, the ring buffer, the node-wide syrup_thread_cpu), and the object
 * inspector (dev.syrup.policy.inspect) checks the subprogram's instructions on their own.
 */
static __noinline __u32 schedule_thread(const struct syrup_thread *t);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct syrup_thread_filter);
	__uint(max_entries, 1);
} syrup_thread_filter SEC(".maps");

/*
 * Threads the application registered (tid -> the tgid of the process that registered it); used
 * once filter.tids_only is set. A tid that now belongs to another process is not selected, and
 * a registered thread's exit removes it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, SYRUP_THREAD_MAX_REGISTERED);
} syrup_thread_tids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __s32);
	__uint(max_entries, SYRUP_THREAD_MAX_THREADS);
} syrup_thread_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SYRUP_THREAD_RING_BYTES);
} syrup_thread_events SEC(".maps");

/* Whether p belongs to the deployment: its cgroup v2, or a cgroup below it. */
static __always_inline int syrup_thread_selected(struct task_struct *p, __u64 *cgid)
{
	__u32 zero = 0;
	struct syrup_thread_filter *f = bpf_map_lookup_elem(&syrup_thread_filter, &zero);
	if (!f || !f->cgroup_id)
		return 0;
	struct cgroup *cg = BPF_CORE_READ(p, cgroups, dfl_cgrp);
	if (!cg)
		return 0;
	__u32 want = f->level;
	if (want > SYRUP_THREAD_MAX_LEVEL)
		return 0;
	*cgid = BPF_CORE_READ(cg, kn, id);
	if (*cgid != f->cgroup_id) {
		/* cgroup->ancestors[level] is the ancestor at that depth (kernels since 6.2). */
		if (!bpf_core_field_exists(cg->ancestors))
			return 0;
		int level = BPF_CORE_READ(cg, level);
		if (level < 0 || (__u32)level < want)
			return 0;
		struct cgroup *anc = NULL;
		__u64 at = (__u64)cg + bpf_core_field_offset(struct cgroup, ancestors) + want * sizeof(anc);
		if (bpf_probe_read_kernel(&anc, sizeof(anc), (void *)at) || !anc)
			return 0;
		if (BPF_CORE_READ(anc, kn, id) != f->cgroup_id)
			return 0;
	}
	if (f->tids_only) {
		__u32 tid = BPF_CORE_READ(p, pid);
		__u32 *tgid = bpf_map_lookup_elem(&syrup_thread_tids, &tid);
		if (!tgid || *tgid != (__u32)BPF_CORE_READ(p, tgid))
			return 0;
	}
	return 1;
}

static __always_inline int syrup_thread_publish(__u32 tid, __u32 pid, __s32 cpu, __u32 kind)
{
	struct syrup_thread_event *e = bpf_ringbuf_reserve(&syrup_thread_events, sizeof(*e), 0);
	if (!e)
		return -1;
	e->tid = tid;
	e->pid = pid;
	e->cpu = cpu;
	e->kind = kind;
	e->ts_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline void syrup_thread_run(struct task_struct *p, __u32 kind, __s32 prev_cpu)
{
	struct syrup_thread t = {};
	if (!syrup_thread_selected(p, &t.cgroup_id))
		return;
	t.tid = BPF_CORE_READ(p, pid);
	t.pid = BPF_CORE_READ(p, tgid);
	t.kind = kind;
	t.prev_cpu = prev_cpu;
	t.runtime_ns = BPF_CORE_READ(p, se.sum_exec_runtime);

	__u32 exec = schedule_thread(&t);
	if (kind == SYRUP_THREAD_DEAD) {
		/* Nothing to place; tell the backend to forget the thread, and drop its registration. */
		bpf_map_delete_elem(&syrup_thread_tids, &t.tid);
		if (bpf_map_lookup_elem(&syrup_thread_cpu, &t.tid)) {
			bpf_map_delete_elem(&syrup_thread_cpu, &t.tid);
			syrup_thread_publish(t.tid, t.pid, -1, kind);
		}
		return;
	}
	if (exec == SYRUP_PASS) {
		syrup_count(SYRUP_STAT_PASS);
		return;
	}
	/* Out of range (or SYRUP_DROP, which means nothing for a thread): the thread is left alone. */
	if (exec >= syrup_cfg.nr_executors || exec >= SYRUP_MAX_EXECUTORS) {
		syrup_count(SYRUP_STAT_FALLBACK);
		return;
	}
	syrup_count(exec);
	__s32 cpu = syrup_cfg.cpus[exec];
	__s32 *published = bpf_map_lookup_elem(&syrup_thread_cpu, &t.tid);
	if (published && *published == cpu)
		return;
	/* Published in the map only once the event is queued, so a full ring is retried next time. */
	if (syrup_thread_publish(t.tid, t.pid, cpu, kind) == 0)
		bpf_map_update_elem(&syrup_thread_cpu, &t.tid, &cpu, BPF_ANY);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(syrup_thread_switch, _Bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	__u32 kind = preempt ? SYRUP_THREAD_PREEMPTED
		     : (prev_state & 0xff) == 0 ? SYRUP_THREAD_YIELDED : SYRUP_THREAD_BLOCKED;
	syrup_thread_run(prev, kind, bpf_get_smp_processor_id());
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(syrup_thread_wakeup, struct task_struct *p)
{
	syrup_thread_run(p, SYRUP_THREAD_RUNNABLE, BPF_CORE_READ(p, wake_cpu));
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(syrup_thread_wakeup_new, struct task_struct *p)
{
	syrup_thread_run(p, SYRUP_THREAD_NEW, BPF_CORE_READ(p, wake_cpu));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(syrup_thread_exit, struct task_struct *p)
{
	syrup_thread_run(p, SYRUP_THREAD_DEAD, bpf_get_smp_processor_id());
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Last, so nothing in the policy precedes (and can redefine) the code above. */
#include SYRUP_POLICY_FILE
