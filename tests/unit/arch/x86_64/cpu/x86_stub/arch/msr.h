/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for <arch/msr.h>, so that the real src/arch/x86_64/cpu/apic.c runs in
 * test_lapic against a simulated MSR file (the test defines rdmsr and wrmsr), and the real
 * time/tick_start.c in test_tick_start, which defines the guarded accesses it makes
 * (rdmsr_safe, cpu_microcode_revision). Test-only.
 */
#ifndef TEST_ARCH_MSR_H
#define TEST_ARCH_MSR_H

#include <lios/types.h>

#define MSR_APIC_BASE 0x1bu

uint64_t rdmsr(uint32_t msr);
void wrmsr(uint32_t msr, uint64_t v);
int rdmsr_safe(uint32_t msr, uint64_t *val);
int cpu_microcode_revision(uint32_t *rev);

#endif
