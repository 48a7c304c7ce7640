// expect: forbidden 3 token pasting
#include "syrup.h"
#define CAT(a, b) a##b
CAT(_Prag, ma)("GCC dependency \"/tmp/syrup-hostile-canary/secret\"")
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
