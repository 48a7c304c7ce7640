// expect: invalid-request - the limit is 1048576
// send: padded to 2097152 bytes with comment lines (the request itself stays under 4 MiB)
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return syrup_random() % syrup_executors();
}
