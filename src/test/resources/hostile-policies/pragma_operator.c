// expect: forbidden 3 _Pragma
#include "syrup.h"
_Pragma("GCC dependency \"/tmp/syrup-hostile-canary/secret\"")
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
