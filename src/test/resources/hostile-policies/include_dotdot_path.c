// expect: forbidden 3 /../syrup-hostile-canary/secret
#include "syrup.h"
#include "/tmp/syrup-hostile-canary/../syrup-hostile-canary/secret" // a path that only looks different
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
