/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The thread hook's maps and records, shared by thread_policy.bpf.c and a
 * backend that enforces its decisions (ThreadEvents.java reads the events).
 */
#ifndef SYRUP_THREAD_H
#define SYRUP_THREAD_H

#include <linux/types.h>
#include <bpf/bpf_core_read.h>
#include "syrup_task.h"

#define SYRUP_THREAD_MAX_THREADS 65536
#define SYRUP_THREAD_MAX_REGISTERED 4096
#define SYRUP_THREAD_RING_BYTES (256 * 1024)
#define SYRUP_THREAD_MAX_LEVEL 255

/* Which threads a deployment schedules; written by the agent (ThreadAttacher.java). */
struct syrup_thread_filter {
	__u64 cgroup_id; /* the cgroup v2's id (its inode number) */
	__u32 level;     /* its depth below the root (the root is 0) */
	__u32 tids_only; /* 1: only threads in syrup_thread_tids */
};

/* A changed decision, as the ring buffer carries it (24 bytes). cpu -1: the thread exited. */
struct syrup_thread_event {
	__u32 tid;
	__u32 pid;
	__s32 cpu;
	__u32 kind;   /* enum syrup_thread_kind of the event that led to it */
	__u64 ts_ns;  /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
};

#endif /* SYRUP_THREAD_H */
