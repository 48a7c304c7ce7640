// expect: forbidden 3 line marker
#include "syrup.h"
# 1 "/etc/shadow"
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
