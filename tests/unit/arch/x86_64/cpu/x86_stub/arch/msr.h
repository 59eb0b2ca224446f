/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for <arch/msr.h>, so that the real src/arch/x86_64/cpu/apic.c runs in
 * test_lapic against a simulated MSR file (the test defines rdmsr and wrmsr). Test-only.
 */
#ifndef TEST_ARCH_MSR_H
#define TEST_ARCH_MSR_H

#include <lios/types.h>

#define MSR_APIC_BASE 0x1bu

uint64_t rdmsr(uint32_t msr);
void wrmsr(uint32_t msr, uint64_t v);

#endif
