// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xdp-socket hook: an XDP program that runs the user's policy and redirects the
 * packet to executor i = the application's i-th AF_XDP socket, through an XSKMAP
 * the agent fills with those sockets. SYRUP_PASS leaves the packet to the
 * kernel's stack; an index out of range or an empty slot (the application
 * closed the socket) passes it too, counted as a fallback.
 * Compiled together with the policy: -DSYRUP_POLICY_FILE="policy.c".
 */
#include "syrup_hook.h"

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, SYRUP_MAX_EXECUTORS);
} syrup_xsks SEC(".maps");

SEC("xdp")
int syrup_xdp_socket(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct syrup_l4 l4 = {};

	/*
	 * Another application's packet (another port, or not UDP/TCP at all: ARP, ICMP, a fragment),
	 * however it got here: never shown to this policy, nor counted. The program may run alone on
	 * the interface (XdpDispatch), so this is the only filter in front of the policy.
	 */
	if (syrup_parse_eth(data, end, &l4) || (syrup_cfg.port && l4.dport != syrup_cfg.port))
		return XDP_PASS;
	struct syrup_percpu *s = syrup_set_meta(l4.sport, l4.dport, l4.proto, 0);

	__u32 sock = schedule(l4.payload, end);
	if (sock == SYRUP_DROP) {
		syrup_count_in(s, SYRUP_STAT_DROP);
		return XDP_DROP;
	}
	if (sock == SYRUP_PASS) {
		syrup_count_in(s, SYRUP_STAT_PASS);
		return XDP_PASS;
	}
	if (sock >= syrup_cfg.nr_executors || sock >= SYRUP_MAX_EXECUTORS ||
	    !bpf_map_lookup_elem(&syrup_xsks, &sock)) {
		syrup_count_in(s, SYRUP_STAT_FALLBACK);
		return XDP_PASS;
	}
	syrup_count_in(s, sock);
	/* The socket may close between the lookup and here: the redirect then passes the packet. */
	return bpf_redirect_map(&syrup_xsks, sock, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Last, so nothing in the policy precedes (and can redefine) the code above. */
#include SYRUP_POLICY_FILE
