// expect: forbidden 3 #include_next
#include "syrup.h"
#include_next <syrup.h>
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
