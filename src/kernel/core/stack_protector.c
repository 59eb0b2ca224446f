// SPDX-License-Identifier: MIT
/*
 * The stack protector's canary and its failure handler (-fstack-protector-strong with
 * -mstack-protector-guard=global). The canary is seeded from the TSC by kentry64 before any
 * C code runs.
 */
#include <lios/panic.h>

uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ull;

__noreturn void __stack_chk_fail(void);
__noreturn void __stack_chk_fail(void)
{
	panic("stack smashing detected in %pS", __builtin_return_address(0));
}
