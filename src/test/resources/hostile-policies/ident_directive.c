// expect: forbidden 3 #ident
#include "syrup.h"
#ident "/tmp/syrup-hostile-canary/secret"
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
