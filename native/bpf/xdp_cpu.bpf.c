// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xdp-cpu hook: an XDP program that runs the user's policy and redirects the
 * packet to executor i = CPU syrup_cfg.cpus[i] through a CPUMAP. A second
 * program runs on the chosen CPU (attached to each CPUMAP entry) and counts
 * the packets each CPU really processed.
 * Compiled together with the policy: -DSYRUP_POLICY_FILE="policy.c".
 */
#include "syrup_hook.h"

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
	__uint(max_entries, 256);
} syrup_cpumap SEC(".maps");

/* Packets processed per CPU after the redirect (read per CPU). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} syrup_on_cpu SEC(".maps");

SEC("xdp")
int syrup_xdp_cpu(struct xdp_md *ctx)
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

	__u32 exec = schedule(l4.payload, end);
	if (exec == SYRUP_DROP) {
		syrup_count_in(s, SYRUP_STAT_DROP);
		return XDP_DROP;
	}
	if (exec == SYRUP_PASS) {
		syrup_count_in(s, SYRUP_STAT_PASS);
		return XDP_PASS;
	}
	if (exec >= syrup_cfg.nr_executors || exec >= SYRUP_MAX_EXECUTORS) {
		syrup_count_in(s, SYRUP_STAT_FALLBACK);
		return XDP_PASS;
	}
	syrup_count_in(s, exec);
	/* An empty CPUMAP slot makes the redirect fall back to XDP_PASS. */
	return bpf_redirect_map(&syrup_cpumap, syrup_cfg.cpus[exec], XDP_PASS);
}

SEC("xdp/cpumap")
int syrup_xdp_on_cpu(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&syrup_on_cpu, &zero);
	if (n)
		*n += 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Last, so nothing in the policy precedes (and can redefine) the code above. */
#include SYRUP_POLICY_FILE
