/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The few kernel structures the thread hook reads, declared for CO-RE: libbpf
 * relocates each field access against the running kernel's BTF, so only the
 * names must match, not the layout.
 */
#ifndef SYRUP_TASK_H
#define SYRUP_TASK_H

#include <linux/types.h>

#define SYRUP_CORE __attribute__((preserve_access_index))

struct kernfs_node {
	__u64 id;
} SYRUP_CORE;

struct cgroup {
	int level;
	struct kernfs_node *kn;
	struct cgroup *ancestors[];
} SYRUP_CORE;

struct css_set {
	struct cgroup *dfl_cgrp;
} SYRUP_CORE;

struct sched_entity {
	__u64 sum_exec_runtime;
} SYRUP_CORE;

struct task_struct {
	int pid;
	int tgid;
	int wake_cpu;
	struct sched_entity se;
	struct css_set *cgroups;
} SYRUP_CORE;

#endif /* SYRUP_TASK_H */
