/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for the one instruction src/arch/x86_64/mm/paging.c uses, so that the real
 * x86_64 table code runs in test_paging_x86 over simulated memory. Test-only.
 */
#ifndef TEST_ARCH_CPU_H
#define TEST_ARCH_CPU_H

#include <lios/types.h>

extern unsigned long test_invlpg_count;
static inline void invlpg(uint64_t va) { (void)va; test_invlpg_count++; }

#endif
