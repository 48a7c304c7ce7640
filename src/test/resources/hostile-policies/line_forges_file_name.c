// expect: forbidden 3 #line
#include "syrup.h"
#line 1 "/etc/shadow"
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
