// expect: forbidden 10 loads a raw map or kernel reference
/* A map referenced by a descriptor number of the loading process (whatever the agent has open
 * there), written as a raw instruction (ld_imm64 r1 with BPF_PSEUDO_MAP_FD, fd 3) instead of
 * through a relocation the loader resolves. */
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	uint32_t zero = 0;
	asm volatile(".byte 0x18, 0x11, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0" ::: "r1");
	return zero;
}
