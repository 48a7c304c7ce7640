// expect: forbidden 5 computed include
#include "syrup.h"
#define STR(x) #x
#define CANARY(dir) STR(/tmp/dir/secret)
#include CANARY(syrup-hostile-canary)
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
