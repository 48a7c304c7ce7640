/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The maps of a root dispatcher (XDP; socket-select needs none, its programs are
 * attached to their reuseport group): the PROG_ARRAY it tail-calls through,
 * keyed by destination port, and the agent's bookkeeping.
 */
#ifndef SYRUP_DISPATCH_H
#define SYRUP_DISPATCH_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 65536);
} syrup_ports SEC(".maps");

/*
 * Bookkeeping for the agent, unused by the program: the ports that have a policy
 * (port -> policy program id). Array maps cannot tell an empty slot from a full one.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 65536);
} syrup_routes SEC(".maps");

/*
 * Fast slots (dispatch_xdp.bpf.c): the port of each slot (0: free), a global so
 * that reading it is a plain load (its section is a one-entry array map the
 * agent writes), and the program each slot jumps to.
 */
#define SYRUP_FAST_SLOTS 4

__u32 syrup_fast_ports[SYRUP_FAST_SLOTS] SEC(".data.fast");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, SYRUP_FAST_SLOTS);
} syrup_fast SEC(".maps");

#endif /* SYRUP_DISPATCH_H */
