// expect: compile 4 conflicting types for 'schedule'
#include "syrup.h"

uint32_t schedule(uint8_t *payload, uint32_t len)
{
	return len > 0 ? payload[0] : 0;
}
