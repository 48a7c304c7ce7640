// expect: forbidden - more than the limit of 67108864 bytes per policy
/* No map, but 128 MiB of global variables (a map the loader creates for .bss). */
#include "syrup.h"

uint8_t ballast[128 << 20];

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t i = syrup_payload_len(pkt_start, pkt_end) & 1023;
	ballast[i] += 1;
	return ballast[i] % syrup_executors();
}
