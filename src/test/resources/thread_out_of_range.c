// Thread hook: always an executor that does not exist; nothing may move.
#include "syrup.h"

uint32_t schedule_thread(const struct syrup_thread *t)
{
	return 7;
}
