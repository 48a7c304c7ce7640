// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's bind watcher: attached once per node to the root of the cgroup v2
 * hierarchy, it reports every bind to (and every close of a socket bound to) a
 * port some deployment watches, so the agent takes an application's new
 * sockets at once instead of at its next rescan. Ports nobody watches cost a
 * hash lookup and nothing else.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

#include "bind_watch.h"

/* Watched (protocol, port) pairs, written by the agent (BindWatcher.java). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u8);
	__uint(max_entries, SYRUP_BIND_MAX_WATCHED);
} syrup_bind_watched SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SYRUP_BIND_RING_BYTES);
} syrup_bind_events SEC(".maps");

/*
 * The key of a socket bound to a watched port, stored with the socket: its
 * port cannot be read when it is released, so its bind remembers it. A socket
 * without it (every other one) costs its release a pointer check.
 */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} syrup_bind_socks SEC(".maps");

static __always_inline void report(struct bpf_sock *sk, __u32 key, __u8 kind)
{
	struct syrup_bind_event *e = bpf_ringbuf_reserve(&syrup_bind_events, sizeof(*e), 0);
	if (!e)
		return; /* ring full: the agent's periodic rescan finds the socket */
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->netns_cookie = bpf_get_netns_cookie(sk);
	e->port = key & 0xffff;
	e->protocol = key >> 16;
	e->kind = kind;
	e->family = sk->family;
	e->ts_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, 0);
}

static __always_inline void bound(struct bpf_sock *sk)
{
	if (sk->protocol != IPPROTO_UDP && sk->protocol != IPPROTO_TCP)
		return;
	__u32 key = syrup_bind_key(sk->protocol, sk->src_port);
	if (sk->src_port == 0 || !bpf_map_lookup_elem(&syrup_bind_watched, &key))
		return;
	__u32 *stored = bpf_sk_storage_get(&syrup_bind_socks, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (stored)
		*stored = key;
	report(sk, key, SYRUP_BIND_BOUND);
}

SEC("cgroup/post_bind4")
int syrup_post_bind4(struct bpf_sock *sk)
{
	bound(sk);
	return 1;
}

SEC("cgroup/post_bind6")
int syrup_post_bind6(struct bpf_sock *sk)
{
	bound(sk);
	return 1;
}

SEC("cgroup/sock_release")
int syrup_sock_release(struct bpf_sock *sk)
{
	__u32 *key = bpf_sk_storage_get(&syrup_bind_socks, sk, 0, 0);
	if (key)
		report(sk, *key, SYRUP_BIND_RELEASED);
	return 1;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
