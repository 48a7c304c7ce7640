// expect: compile 4 conflicting types for 'schedule'
#include "syrup.h"

uint32_t schedule(void)
{
	return 0;
}
