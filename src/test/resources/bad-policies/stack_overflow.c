// expect: compile - BPF stack limit of 512 bytes is exceeded
#include "syrup.h"

uint32_t schedule(void *pkt_start, void *pkt_end)
{
	volatile uint8_t history[600];
	uint32_t sum = 0;

	for (int i = 0; i < 600; i++)
		history[i] = i;
	for (int i = 0; i < 600; i++)
		sum += history[i];
	return sum % syrup_executors();
}
