// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The AF_XDP baseline of the xdp-socket cost benchmark: the UDP datagrams of
 * one port handed to the sockets of an XSKMAP in turn, written directly as an
 * XDP program (Ethernet + IPv4 only), with no dispatcher, no policy wrapper and
 * no decision counters. Compiled with -DBENCH_PORT=... -DNR_SOCKETS=...
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, NR_SOCKETS);
} bare_xsks SEC(".maps");

static __u32 next;

SEC("xdp")
int bare_xdp_socket(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_UDP || udp->dest != bpf_htons(BENCH_PORT))
		return XDP_PASS;
	return bpf_redirect_map(&bare_xsks, __sync_fetch_and_add(&next, 1) % NR_SOCKETS, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
