/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared by the hook programs that wrap a user policy: the decision counters
 * read by the agent and the packet facts handed to the policy's helpers.
 */
#ifndef SYRUP_HOOK_H
#define SYRUP_HOOK_H

#include "syrup.h"
#include "syrup_parse.h"

/* Hook ids, as in Hook.java. */
#define SYRUP_HOOK_SOCKET_SELECT 1
#define SYRUP_HOOK_XDP_CPU 2
#define SYRUP_HOOK_THREAD 3

/* Decision counter slots after the per-executor ones (must match DecisionStats.java). */
#define SYRUP_STAT_PASS (SYRUP_MAX_EXECUTORS + 0)
#define SYRUP_STAT_DROP (SYRUP_MAX_EXECUTORS + 1)
#define SYRUP_STAT_FALLBACK (SYRUP_MAX_EXECUTORS + 2)
#define SYRUP_STAT_SLOTS (SYRUP_MAX_EXECUTORS + 3)

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, SYRUP_STAT_SLOTS);
} syrup_stats SEC(".maps");

static __always_inline void syrup_count(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&syrup_stats, &slot);
	if (n)
		*n += 1;
}

/*
 * The policy, defined by the user's file, which each hook includes at its very end: after all of
 * the hook's own code, so no macro or declaration of the policy can change that code.
 */
static __always_inline __u32 schedule(void *pkt_start, void *pkt_end);

static __always_inline void syrup_set_meta(__u16 sport, __u16 dport, __u8 proto, __u32 hash)
{
	__u32 zero = 0;
	struct syrup_pkt_meta *m = bpf_map_lookup_elem(&syrup_meta, &zero);
	if (m) {
		m->src_port = sport;
		m->dst_port = dport;
		m->protocol = proto;
		m->hash = hash;
	}
}

#endif /* SYRUP_HOOK_H */
