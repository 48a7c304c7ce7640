/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Header parsing that finds a packet's ports and transport payload. */
#ifndef SYRUP_PARSE_H
#define SYRUP_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct syrup_l4 {
	void *payload;
	__u16 sport; /* host byte order */
	__u16 dport; /* host byte order */
	__u8 proto;
};

/*
 * Finds the ports and payload of a packet whose transport header starts at l4.
 * Returns 0, or -1 for a truncated header.
 */
static __always_inline int syrup_parse_transport(void *l4, void *end, __u8 proto, struct syrup_l4 *out)
{
	if (proto == IPPROTO_UDP) {
		struct udphdr *udp = l4;
		if ((void *)(udp + 1) > end)
			return -1;
		out->sport = bpf_ntohs(udp->source);
		out->dport = bpf_ntohs(udp->dest);
		out->payload = udp + 1;
	} else if (proto == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;
		if ((void *)(tcp + 1) > end)
			return -1;
		__u32 hlen = tcp->doff * 4;
		if (hlen < sizeof(*tcp) || l4 + hlen > end)
			return -1;
		out->sport = bpf_ntohs(tcp->source);
		out->dport = bpf_ntohs(tcp->dest);
		out->payload = l4 + hlen;
	} else {
		return -1;
	}
	out->proto = proto;
	return 0;
}

/* Parses Ethernet + IPv4/IPv6 + UDP/TCP. Returns 0, or -1 for anything else. */
static __always_inline int syrup_parse_eth(void *data, void *end, struct syrup_l4 *out)
{
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return -1;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > end)
			return -1;
		__u32 ihl = ip->ihl * 4;
		if (ihl < sizeof(*ip))
			return -1;
		if (ip->frag_off & bpf_htons(0x3fff)) /* fragments carry no L4 header */
			return -1;
		return syrup_parse_transport((void *)ip + ihl, end, ip->protocol, out);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		if ((void *)(ip6 + 1) > end)
			return -1;
		return syrup_parse_transport(ip6 + 1, end, ip6->nexthdr, out);
	}
	return -1;
}

#endif /* SYRUP_PARSE_H */
