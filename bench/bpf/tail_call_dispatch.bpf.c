// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The dispatchers as they were before socket-select policies were attached to
 * their reuseport group and the XDP dispatcher got fast slots, kept for the
 * data-plane cost benchmark: tail calls to the wrapped policy through a
 * PROG_ARRAY indexed by destination port. Compiled with the SDK's bpf directory
 * on the include path (syrup_parse.h).
 */
#include "syrup_parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 65536);
} tail_call_ports SEC(".maps");

/* A PROG_ARRAY serves programs of one type: the XDP dispatcher has its own. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 65536);
} tail_call_ports_xdp SEC(".maps");

SEC("sk_reuseport")
int tail_call_dispatch(struct sk_reuseport_md *md)
{
	void *data = md->data, *end = md->data_end;
	__be16 *ports = data; /* UDP and TCP both start with source, destination port */

	if ((void *)(ports + 2) > end)
		return SK_PASS;
	bpf_tail_call(md, &tail_call_ports, bpf_ntohs(ports[1]));
	return SK_PASS;
}

SEC("xdp")
int tail_call_dispatch_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct syrup_l4 l4 = {};

	if (syrup_parse_eth(data, end, &l4))
		return XDP_PASS;
	bpf_tail_call(ctx, &tail_call_ports_xdp, l4.dport);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
