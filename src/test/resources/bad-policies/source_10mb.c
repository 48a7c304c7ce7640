// expect: invalid-request - request is larger than 4194304 bytes
// send: padded to 10485760 bytes with comment lines
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return syrup_random() % syrup_executors();
}
