// expect: compile - file size limit is 64 MiB
#include "syrup.h"
/* 256 MiB of initialized data: the object would be written to disk in full */
static volatile uint8_t huge[256ULL << 20] = { 1 };
uint32_t schedule(void *pkt_start, void *pkt_end) { return huge[0]; }
