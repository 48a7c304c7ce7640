// expect: forbidden 3 trigraph
#include "syrup.h"
??=include "/tmp/syrup-hostile-canary/secret"
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
