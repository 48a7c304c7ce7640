// expect: forbidden 3 __has_include
#include "syrup.h"
#if __has_include("/tmp/syrup-hostile-canary/secret")
uint32_t schedule(void *pkt_start, void *pkt_end) { return 1; }
#else
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
#endif
