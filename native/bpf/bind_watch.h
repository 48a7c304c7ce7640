/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The bind watcher's records, shared by bind_watch.bpf.c and the agent
 * (BindEvents.java and jni/bind_events.c read them).
 */
#ifndef SYRUP_BIND_WATCH_H
#define SYRUP_BIND_WATCH_H

#include <linux/types.h>

#define SYRUP_BIND_RING_BYTES (64 * 1024)
#define SYRUP_BIND_MAX_WATCHED 4096

enum syrup_bind_kind {
	SYRUP_BIND_BOUND = 1,    /* a socket was bound to a watched port */
	SYRUP_BIND_RELEASED = 2, /* a socket bound to a watched port was closed */
};

/* Key of syrup_bind_watched: (protocol << 16) | port, host byte order. */
static inline __u32 syrup_bind_key(__u8 protocol, __u16 port) { return ((__u32)protocol << 16) | port; }

/* One bind or release, as the ring buffer carries it (40 bytes). */
struct syrup_bind_event {
	__u32 pid;          /* the process (thread group) that bound or closed it */
	__u32 uid;
	__u64 cgroup_id;    /* its cgroup v2 */
	__u64 netns_cookie; /* its network namespace */
	__u16 port;         /* host byte order */
	__u8 protocol;      /* IPPROTO_UDP or IPPROTO_TCP */
	__u8 kind;          /* enum syrup_bind_kind */
	__u32 family;       /* AF_INET or AF_INET6 */
	__u64 ts_ns;        /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
};

#endif /* SYRUP_BIND_WATCH_H */
