/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * syrup.h - the Syrup policy SDK.
 *
 * A policy is one C file with a matching function
 *
 *     uint32_t schedule(void *pkt_start, void *pkt_end);
 *
 * pkt_start points at the transport payload (the application's request bytes)
 * at every network hook, so the same file runs unchanged at socket select and
 * at XDP. It returns an executor index (socket i, CPU i of the deployment's set),
 * SYRUP_PASS (let the kernel's default policy decide) or SYRUP_DROP.
 */
#ifndef SYRUP_H
#define SYRUP_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

typedef __u8 uint8_t;
typedef __u16 uint16_t;
typedef __u32 uint32_t;
typedef __u64 uint64_t;
typedef __s8 int8_t;
typedef __s16 int16_t;
typedef __s32 int32_t;
typedef __s64 int64_t;

#ifndef NULL
#define NULL ((void *)0)
#endif

/* Special decisions. */
#define SYRUP_PASS 0xffffffffu /* default kernel policy for this input */
#define SYRUP_DROP 0xfffffffeu /* drop the input */

/* Largest number of executors (sockets or CPUs) one deployment can have. */
#define SYRUP_MAX_EXECUTORS 64
/* Largest payload offset the bounded read helpers accept. */
#define SYRUP_MAX_PAYLOAD 4096

/*
 * Maps declared in a policy are created and pinned per deployment (the agent
 * pins them; an object must not ask for pinning itself) and shared by every
 * hook the policy is deployed at and by the application.
 */
#define SYRUP_MAP(_name, _type, _key, _value, _max)                            \
	struct {                                                               \
		__uint(type, _type);                                           \
		__type(key, _key);                                             \
		__type(value, _value);                                         \
		__uint(max_entries, _max);                                     \
	} _name SEC(".maps")

#define SYRUP_ARRAY(_name, _value, _max) SYRUP_MAP(_name, BPF_MAP_TYPE_ARRAY, __u32, _value, _max)
/*
 * An array the application can map into its memory and update with plain
 * (atomic) memory operations, no system call per update. Each element takes
 * its value size rounded up to 8 bytes.
 */
#define SYRUP_MMAP_ARRAY(_name, _value, _max)                                  \
	struct {                                                               \
		__uint(type, BPF_MAP_TYPE_ARRAY);                              \
		__type(key, __u32);                                            \
		__type(value, _value);                                         \
		__uint(max_entries, _max);                                     \
		__uint(map_flags, BPF_F_MMAPABLE);                             \
	} _name SEC(".maps")
#define SYRUP_HASH(_name, _key, _value, _max) SYRUP_MAP(_name, BPF_MAP_TYPE_HASH, _key, _value, _max)
#define SYRUP_PERCPU_ARRAY(_name, _value, _max) SYRUP_MAP(_name, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, _value, _max)
#define SYRUP_PERCPU_HASH(_name, _key, _value, _max) SYRUP_MAP(_name, BPF_MAP_TYPE_PERCPU_HASH, _key, _value, _max)

/*
 * Per-deployment constants, fixed when a hook program is loaded. The loader
 * writes this section (it must match HookConfig.java).
 */
struct syrup_config {
	__u32 nr_executors;
	__u32 hook;
	__u32 cpus[SYRUP_MAX_EXECUTORS];
	__u32 port; /* the one destination port the program serves at XDP; 0: any (offline runs) */
};
const volatile struct syrup_config syrup_cfg SEC(".rodata.syrup");

/* Facts about the current input that the hook fills before calling schedule(). */
struct syrup_pkt_meta {
	__u16 src_port; /* host byte order */
	__u16 dst_port; /* host byte order */
	__u8 protocol;  /* IPPROTO_UDP or IPPROTO_TCP */
	__u8 pad[3];
	__u32 hash;     /* the kernel's flow hash where the hook has one, else 0 */
};

/*
 * A hook program's per-CPU scratch: the current input's facts, then the hook's
 * decision counters (syrup_hook.h), so that one lookup per input serves both.
 */
struct syrup_percpu {
	struct syrup_pkt_meta pkt;
	__u64 decisions[SYRUP_MAX_EXECUTORS + 3];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct syrup_percpu);
	__uint(max_entries, 1);
} syrup_meta SEC(".maps");

#ifdef SYRUP_LIVE_EXECUTORS
/*
 * socket-select: how many of the application's sockets are live now. The agent
 * updates it when the application binds or closes sockets (a restart, a
 * scale-up), so it can change between two calls of schedule().
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} syrup_live SEC(".maps");
#endif

/*
 * Number of executors of this deployment at this hook. At socket-select, the
 * sockets live now (0 while the application has none, e.g. while it restarts).
 */
static __always_inline __u32 syrup_executors(void)
{
#ifdef SYRUP_LIVE_EXECUTORS
	__u32 zero = 0;
	__u32 *live = bpf_map_lookup_elem(&syrup_live, &zero);
	return live ? *live : 0;
#else
	return syrup_cfg.nr_executors;
#endif
}

static __always_inline struct syrup_pkt_meta *syrup_pkt(void)
{
	__u32 zero = 0;
	struct syrup_percpu *s = bpf_map_lookup_elem(&syrup_meta, &zero);
	return s ? &s->pkt : NULL;
}

/* Source port of the current input, host byte order (0 if unknown). */
static __always_inline __u16 syrup_src_port(void)
{
	struct syrup_pkt_meta *m = syrup_pkt();
	return m ? m->src_port : 0;
}

/* Destination port of the current input, host byte order (0 if unknown). */
static __always_inline __u16 syrup_dst_port(void)
{
	struct syrup_pkt_meta *m = syrup_pkt();
	return m ? m->dst_port : 0;
}

/* Payload length in bytes. */
static __always_inline __u32 syrup_payload_len(void *pkt_start, void *pkt_end)
{
	return pkt_end > pkt_start ? (__u32)(pkt_end - pkt_start) : 0;
}

/*
 * Copies len bytes at payload offset off into dst. len must be a constant.
 * Returns 0, or -1 if the payload is too short.
 */
static __always_inline int syrup_read(void *pkt_start, void *pkt_end, __u32 off, void *dst, __u32 len)
{
	if (off > SYRUP_MAX_PAYLOAD)
		return -1;
	void *p = pkt_start + off;
	if (p + len > pkt_end)
		return -1;
	__builtin_memcpy(dst, p, len);
	return 0;
}

/* Byte at payload offset off, or -1 if the payload is too short. */
static __always_inline int syrup_byte(void *pkt_start, void *pkt_end, __u32 off)
{
	__u8 b;
	return syrup_read(pkt_start, pkt_end, off, &b, 1) ? -1 : b;
}

/* Atomic add on a map value or global; returns the value before the add. */
#define syrup_fetch_add(ptr, v) __sync_fetch_and_add((ptr), (v))
#define syrup_fetch_sub(ptr, v) __sync_fetch_and_sub((ptr), (v))

/* A pseudo-random 32-bit number. */
static __always_inline __u32 syrup_random(void)
{
	return bpf_get_prandom_u32();
}

/*
 * Thread policies. A policy deployed at the thread hook defines
 *
 *     uint32_t schedule_thread(const struct syrup_thread *t);
 *
 * It runs for threads of the deployment's own application (its cgroup) only
 * and returns an executor index i (CPU cpus[i] of the deployment's CPU set,
 * 0 <= i < syrup_executors()) or SYRUP_PASS (leave the thread where the
 * kernel puts it). The same file may also define schedule() and share its
 * maps with the network hooks of the same deployment.
 */
enum syrup_thread_kind {
	SYRUP_THREAD_NEW = 0,       /* created, or first seen */
	SYRUP_THREAD_RUNNABLE = 1,  /* woken up */
	SYRUP_THREAD_BLOCKED = 2,   /* went to sleep */
	SYRUP_THREAD_PREEMPTED = 3, /* taken off the CPU while runnable */
	SYRUP_THREAD_YIELDED = 4,   /* gave up the CPU voluntarily */
	SYRUP_THREAD_DEAD = 5,      /* exited */
};

struct syrup_thread {
	__u32 tid;        /* kernel task id (gettid()) */
	__u32 pid;        /* process id (thread group) */
	__u64 cgroup_id;  /* cgroup v2 id */
	__u32 kind;       /* enum syrup_thread_kind */
	__s32 prev_cpu;   /* CPU it last ran on, -1 if unknown */
	__u64 runtime_ns; /* total CPU time it has run */
};

#endif /* SYRUP_H */
