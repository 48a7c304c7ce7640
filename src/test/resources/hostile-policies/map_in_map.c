// expect: forbidden 17 map 'outer' is a array_of_maps map
/* A map of maps, which could hold other maps than the policy's. */
#include "syrup.h"

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps");

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return SYRUP_PASS;
}
