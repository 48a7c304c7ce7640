// expect: forbidden 3 #pragma
#include "syrup.h"
#pragma clang system_header
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
