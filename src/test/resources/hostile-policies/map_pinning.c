// expect: forbidden 11 map 'shared' has a pinning attribute
/* A map that asks libbpf to pin it by name, where it would meet (or become) another tenant's map. */
#include "syrup.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} shared SEC(".maps");

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&shared, &zero);
	return n ? 0 : SYRUP_PASS;
}
