// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Thread hook: worker k runs on CPU k mod n of the deployment's CPUs. k is what the application put in
 * worker_index for the thread's tid, else the order in which the policy first saw the thread. */
#include "syrup.h"

SYRUP_HASH(worker_index, uint32_t, uint32_t, 4096); /* tid -> k */
static uint32_t next_index;

uint32_t schedule_thread(const struct syrup_thread *t)
{
	uint32_t tid = t->tid, k;
	uint32_t *known = bpf_map_lookup_elem(&worker_index, &tid);

	if (t->kind == SYRUP_THREAD_DEAD) {
		bpf_map_delete_elem(&worker_index, &tid);
		return SYRUP_PASS;
	}
	if (!known) {
		k = syrup_fetch_add(&next_index, 1);
		bpf_map_update_elem(&worker_index, &tid, &k, BPF_NOEXIST);
		if (!(known = bpf_map_lookup_elem(&worker_index, &tid)))
			return SYRUP_PASS;
	}
	return *known % syrup_executors();
}
