// expect: forbidden 3 #include </etc/passwd>
#include "syrup.h"
#include </etc/passwd>
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
