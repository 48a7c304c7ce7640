/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The few kernel types and sched_ext kfuncs the Syrup scheduler uses, declared
 * by hand instead of a full vmlinux.h: the object is built once, on any host
 * (also one without sched_ext), and libbpf matches it against the running
 * kernel at load time. Field accesses are CO-RE relocated
 * (preserve_access_index); struct sched_ext_ops lists only the members we set,
 * which libbpf matches to the kernel's by name.
 */
#ifndef SYRUP_SCX_TYPES_H
#define SYRUP_SCX_TYPES_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

typedef _Bool bool;

struct cpumask {
	unsigned long bits[1];
} __attribute__((preserve_access_index));

/*
 * cpus_mask is never read: it makes clang emit struct cpumask in full (a type
 * seen only through pointers is emitted as a forward declaration, which libbpf
 * finds incompatible with the kernel's bpf_cpumask_test_cpu()).
 */
struct task_struct {
	int pid;
	int nr_cpus_allowed;
	const struct cpumask *cpus_ptr;
	struct cpumask cpus_mask;
} __attribute__((preserve_access_index));

struct sched_ext_ops {
	__s32 (*select_cpu)(struct task_struct *p, __s32 prev_cpu, __u64 wake_flags);
	void (*enqueue)(struct task_struct *p, __u64 enq_flags);
	__u64 flags;
	__u32 timeout_ms;
	char name[128];
};

/*
 * Values of the kernel's enums (include/linux/sched/ext.h, kernel/sched/ext.c),
 * stable since sched_ext was merged (6.12).
 */
#define SCX_DSQ_FLAG_BUILTIN (1ULL << 63)
#define SCX_DSQ_FLAG_LOCAL_ON (1ULL << 62)
#define SCX_DSQ_GLOBAL (SCX_DSQ_FLAG_BUILTIN | 1)
#define SCX_DSQ_LOCAL (SCX_DSQ_FLAG_BUILTIN | 2)
#define SCX_DSQ_LOCAL_ON (SCX_DSQ_FLAG_BUILTIN | SCX_DSQ_FLAG_LOCAL_ON)
#define SCX_SLICE_DFL 20000000ULL /* 20 ms */
#define SCX_OPS_SWITCH_PARTIAL (1ULL << 3)
#define SCX_KICK_IDLE (1ULL << 0)

/* kfuncs, with the signatures of 6.13 and later (scx_bpf_dsq_insert replaced scx_bpf_dispatch). */
extern void scx_bpf_dsq_insert(struct task_struct *p, __u64 dsq_id, __u64 slice, __u64 enq_flags) __ksym;
extern __s32 scx_bpf_select_cpu_dfl(struct task_struct *p, __s32 prev_cpu, __u64 wake_flags, bool *is_idle) __ksym;
extern void scx_bpf_kick_cpu(__s32 cpu, __u64 flags) __ksym;
extern __u32 scx_bpf_nr_cpu_ids(void) __ksym;
extern bool bpf_cpumask_test_cpu(__u32 cpu, const struct cpumask *cpumask) __ksym;

#endif /* SYRUP_SCX_TYPES_H */
