// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * socket-select hook: an sk_reuseport program that runs the user's policy and
 * selects executor i = socket i of the application's SO_REUSEPORT group.
 * UDP: per datagram; TCP: per new connection (on the SYN, whose payload is empty).
 * Compiled together with the policy: -DSYRUP_POLICY_FILE="policy.c".
 * The executors follow the application's live sockets (syrup_live, written by
 * the agent), not a load-time constant.
 */
#define SYRUP_LIVE_EXECUTORS
#include "syrup_hook.h"

struct {
	__uint(type, BPF_MAP_TYPE_REUSEPORT_SOCKARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, SYRUP_MAX_EXECUTORS);
} syrup_socks SEC(".maps");

SEC("sk_reuseport")
int syrup_socket_select(struct sk_reuseport_md *md)
{
	void *data = md->data, *end = md->data_end;
	struct syrup_l4 l4 = {};

	if (syrup_parse_transport(data, end, md->ip_protocol, &l4)) {
		syrup_count(SYRUP_STAT_FALLBACK);
		return SK_PASS;
	}
	struct syrup_percpu *s = syrup_set_meta(l4.sport, l4.dport, l4.proto, md->hash);

	__u32 exec = schedule(l4.payload, end);
	if (exec == SYRUP_DROP) {
		syrup_count_in(s, SYRUP_STAT_DROP);
		return SK_DROP;
	}
	if (exec == SYRUP_PASS) {
		syrup_count_in(s, SYRUP_STAT_PASS);
		return SK_PASS;
	}
	/* Out of range, or no socket at that index: the kernel's hash decides. */
	if (exec >= syrup_executors() || exec >= SYRUP_MAX_EXECUTORS ||
	    bpf_sk_select_reuseport(md, &syrup_socks, &exec, 0)) {
		syrup_count_in(s, SYRUP_STAT_FALLBACK);
		return SK_PASS;
	}
	syrup_count_in(s, exec);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Last, so nothing in the policy precedes (and can redefine) the code above. */
#include SYRUP_POLICY_FILE
