// expect: forbidden 3 #include "/tmp/syrup-hostile-canary/secret"
#include "syrup.h"
%:include "/tmp/syrup-hostile-canary/secret"
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
