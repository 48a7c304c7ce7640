// expect: compile 4 unknown type name 'u_int42'
#include "syrup.h"

u_int42 schedule(void *pkt_start, void *pkt_end)
{
	return 0;
}
