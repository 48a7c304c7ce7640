// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Root dispatcher of the socket-select hook, one per network namespace.
 * Attached to every reuseport group that has a policy; tail-calls the policy
 * deployed for the packet's destination port, so a policy only ever sees its
 * own application's packets. No policy for the port: the kernel's hash decides.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "syrup_dispatch.h"

SEC("sk_reuseport")
int syrup_dispatch(struct sk_reuseport_md *md)
{
	void *data = md->data, *end = md->data_end;
	__be16 *ports = data; /* UDP and TCP both start with source, destination port */

	if ((void *)(ports + 2) > end)
		return SK_PASS;
	bpf_tail_call(md, &syrup_ports, bpf_ntohs(ports[1]));
	return SK_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
