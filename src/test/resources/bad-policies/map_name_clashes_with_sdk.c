// expect: compile 4 redefinition of 'syrup_meta'
#include "syrup.h"

SYRUP_ARRAY(syrup_meta, uint32_t, 1);

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return 0;
}
