// expect: forbidden 3 #import
#include "syrup.h"
#import "/tmp/syrup-hostile-canary/secret"
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
