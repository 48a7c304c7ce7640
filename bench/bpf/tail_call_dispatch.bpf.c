// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The socket-select path before policies were attached to their reuseport group
 * directly, kept for the data-plane cost benchmark: a root dispatcher that
 * tail-calls the wrapped policy through a PROG_ARRAY indexed by destination port.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 65536);
} tail_call_ports SEC(".maps");

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

char LICENSE[] SEC("license") = "Dual BSD/GPL";
