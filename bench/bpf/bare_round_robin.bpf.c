// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The baseline of the data-plane cost benchmark: round robin over 4 sockets
 * written directly as an sk_reuseport program, with no dispatcher, no policy
 * wrapper and no decision counters.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NR_SOCKETS 4

struct {
	__uint(type, BPF_MAP_TYPE_REUSEPORT_SOCKARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, NR_SOCKETS);
} bare_socks SEC(".maps");

static __u32 next;

SEC("sk_reuseport")
int bare_round_robin(struct sk_reuseport_md *md)
{
	__u32 k = __sync_fetch_and_add(&next, 1) % NR_SOCKETS;

	bpf_sk_select_reuseport(md, &bare_socks, &k, 0);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
