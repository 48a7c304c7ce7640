// expect: compile 8 expected ';' after return statement
// send: <0xd7> as a raw byte (Latin-1 multiplication sign), which the client reads as UTF-8
#include "syrup.h"

/* Saved by an editor in Latin-1: the client's UTF-8 reading makes the byte U+FFFD. */
uint32_t schedule(void *pkt_start, void *pkt_end)
{
	return syrup_random() <0xd7> 2;
}
