// expect: forbidden 3 #assert
#include "syrup.h"
#assert machine(bpf)
uint32_t schedule(void *pkt_start, void *pkt_end) { return 0; }
