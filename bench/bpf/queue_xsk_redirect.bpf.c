// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernel's default way to AF_XDP sockets, as libxdp's default program does
 * it: redirect through an XSKMAP keyed by the receive queue's index, one socket
 * per queue. With all of an application's sockets on one queue (shared UMEM),
 * every packet goes to the one socket in that queue's slot. Only the UDP
 * datagrams of BENCH_PORT are redirected (ARP and the rest pass to the stack).
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
	__uint(max_entries, 64);
} queue_xsks SEC(".maps");

SEC("xdp")
int queue_xsk_redirect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_UDP || udp->dest != bpf_htons(BENCH_PORT))
		return XDP_PASS;
	return bpf_redirect_map(&queue_xsks, ctx->rx_queue_index, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
