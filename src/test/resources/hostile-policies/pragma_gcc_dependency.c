// expect: forbidden 3 #pragma
#include "syrup.h"
#pragma GCC dependency "/tmp/syrup-hostile-canary/secret"
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
