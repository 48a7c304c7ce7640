/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared by the hook programs that wrap a user policy: the decision counters
 * read by the agent and the packet facts handed to the policy's helpers, both
 * in syrup_meta (struct syrup_percpu, syrup.h).
 */
#ifndef SYRUP_HOOK_H
#define SYRUP_HOOK_H

#include "syrup.h"
#include "syrup_parse.h"

/* Hook ids, as in Hook.java. */
#define SYRUP_HOOK_SOCKET_SELECT 1
#define SYRUP_HOOK_XDP_CPU 2
#define SYRUP_HOOK_THREAD 3
#define SYRUP_HOOK_XDP_SOCKET 4

/* Decision counter slots after the per-executor ones, in struct syrup_percpu (must match DecisionStats.java). */
#define SYRUP_STAT_PASS (SYRUP_MAX_EXECUTORS + 0)
#define SYRUP_STAT_DROP (SYRUP_MAX_EXECUTORS + 1)
#define SYRUP_STAT_FALLBACK (SYRUP_MAX_EXECUTORS + 2)
#define SYRUP_STAT_SLOTS (SYRUP_MAX_EXECUTORS + 3)

static __always_inline struct syrup_percpu *syrup_percpu(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&syrup_meta, &zero);
}

/* Counts a decision in s, the per-CPU scratch the hook looked up for this input. */
static __always_inline void syrup_count_in(struct syrup_percpu *s, __u32 slot)
{
	if (s && slot < SYRUP_STAT_SLOTS)
		s->decisions[slot] += 1;
}

static __always_inline void syrup_count(__u32 slot)
{
	syrup_count_in(syrup_percpu(), slot);
}

/*
 * The policy, defined by the user's file, which each hook includes at its very end: after all of
 * the hook's own code, so no macro or declaration of the policy can change that code.
 */
static __always_inline __u32 schedule(void *pkt_start, void *pkt_end);

/* Fills in the input's facts for the policy; returns the per-CPU scratch, for counting the decision. */
static __always_inline struct syrup_percpu *syrup_set_meta(__u16 sport, __u16 dport, __u8 proto, __u32 hash)
{
	struct syrup_percpu *s = syrup_percpu();
	if (s) {
		s->pkt.src_port = sport;
		s->pkt.dst_port = dport;
		s->pkt.protocol = proto;
		s->pkt.hash = hash;
	}
	return s;
}

#endif /* SYRUP_HOOK_H */
