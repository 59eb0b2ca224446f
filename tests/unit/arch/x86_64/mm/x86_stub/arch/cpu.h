/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for the one instruction src/arch/x86_64/mm/paging.c uses, so that the real
 * x86_64 table code runs in test_paging_x86 over simulated memory: invlpg is recorded,
 * count and address, for the tests to check. Test-only.
 */
#ifndef TEST_ARCH_CPU_H
#define TEST_ARCH_CPU_H

#include <lios/types.h>

/* Every invlpg is counted, and its address kept in a ring of the last TEST_INVLPG_LOG. */
#define TEST_INVLPG_LOG 16
extern unsigned long test_invlpg_count;
extern uint64_t test_invlpg_va[TEST_INVLPG_LOG];
static inline void invlpg(uint64_t va)
{
	test_invlpg_va[test_invlpg_count++ % TEST_INVLPG_LOG] = va;
}

#endif
