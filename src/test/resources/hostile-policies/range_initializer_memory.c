// expect: compile - memory
#include "syrup.h"
/* a range initializer of 2^30 elements: clang would hold every one of them in memory */
static volatile uint8_t huge[1ULL << 30] = { [0 ... (1ULL << 30) - 1] = 1 };
uint32_t schedule(void *pkt_start, void *pkt_end) { return huge[0]; }
