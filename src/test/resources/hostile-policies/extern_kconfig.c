// expect: forbidden 9 'LINUX_KERNEL_VERSION' is a .kconfig extern
/* A kernel configuration value: the policy would behave differently from node to node. */
#include "syrup.h"

extern unsigned int LINUX_KERNEL_VERSION __kconfig;

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return LINUX_KERNEL_VERSION % syrup_executors();
}
