// expect: forbidden 4 #embed
#include "syrup.h"
static const char secret[] = {
#embed "/tmp/syrup-hostile-canary/secret"
};
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
