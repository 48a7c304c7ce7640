// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Root dispatcher of the XDP hooks, one per interface. Tail-calls the policy
 * deployed for the packet's destination port; other packets pass untouched.
 */
#include "syrup_parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 65536);
} syrup_ports SEC(".maps");

/*
 * Bookkeeping for the agent, unused by the program: the ports that have a policy
 * (port -> policy program id). Array maps cannot tell an empty slot from a full one.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 65536);
} syrup_routes SEC(".maps");

SEC("xdp")
int syrup_dispatch(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct syrup_l4 l4 = {};

	if (syrup_parse_eth(data, end, &l4))
		return XDP_PASS;
	bpf_tail_call(ctx, &syrup_ports, l4.dport);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
