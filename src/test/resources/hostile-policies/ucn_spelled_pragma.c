// expect: forbidden 3 universal character name
#include "syrup.h"
_Pr\u0061gma("GCC dependency \"/tmp/syrup-hostile-canary/secret\"")
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
