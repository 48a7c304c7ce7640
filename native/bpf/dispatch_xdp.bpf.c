// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Root dispatcher of the XDP hooks, one per interface. Tail-calls the policy
 * deployed for the packet's destination port; other packets pass untouched.
 *
 * The first ports routed get a fast slot: a tail call with a constant index,
 * which the kernel turns into a direct jump, where a map-indexed tail call is an
 * indirect one (a retpoline on most machines). Every route is also in
 * syrup_ports, the path of all other ports. A slot read while the agent changes
 * it may jump to another port's program; that program checks the port itself
 * (syrup_cfg.port in xdp_cpu.bpf.c) and passes the packet on.
 */
#include "syrup_parse.h"
#include "syrup_dispatch.h"

/* Tail call through map slot, a compile-time constant, as one instruction sequence clang cannot merge. */
#define syrup_tail_call_const(ctx, map, slot)                                        \
	asm volatile("r1 = %[c]\n"                                                   \
		     "r2 = %[m] ll\n"                                                \
		     "r3 = %[s]\n"                                                   \
		     "call 12\n" ::[c] "r"(ctx), [m] "i"(map), [s] "i"(slot)         \
		     : "r0", "r1", "r2", "r3", "r4", "r5")

SEC("xdp")
int syrup_dispatch(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct syrup_l4 l4 = {};

	if (syrup_parse_eth(data, end, &l4))
		return XDP_PASS;
	if (l4.dport == syrup_fast_ports[0])
		syrup_tail_call_const(ctx, &syrup_fast, 0);
	if (l4.dport == syrup_fast_ports[1])
		syrup_tail_call_const(ctx, &syrup_fast, 1);
	if (l4.dport == syrup_fast_ports[2])
		syrup_tail_call_const(ctx, &syrup_fast, 2);
	if (l4.dport == syrup_fast_ports[3])
		syrup_tail_call_const(ctx, &syrup_fast, 3);
	bpf_tail_call(ctx, &syrup_ports, l4.dport);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
