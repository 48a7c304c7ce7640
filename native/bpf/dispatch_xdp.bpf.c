// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Root dispatcher of the XDP hooks, one per interface. Tail-calls the policy
 * deployed for the packet's destination port; other packets pass untouched.
 */
#include "syrup_parse.h"
#include "syrup_dispatch.h"

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
