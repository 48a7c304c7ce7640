// expect: forbidden 9 'bpf_prog_fops' is a .ksyms extern
/* The address of a kernel symbol, resolved by the loader from the kernel's BTF. */
#include "syrup.h"

extern const void bpf_prog_fops __ksym;

uint32_t schedule_thread(const struct syrup_thread *t)
{
	return (uint64_t)&bpf_prog_fops == t->runtime_ns ? 0 : SYRUP_PASS;
}
