/* SPDX-License-Identifier: MIT */
/* Host stand-in for <arch/cpu.h>: apic.c needs none of its instructions; mce.c reads and
 * writes CR4, which the test that runs it defines (test_mce); irq_vector.c saves and
 * restores the interrupt flag, which test_irq_vector defines; trap.c reads CR0, CR2, CR3
 * and CR4 for its reports, which test_trap defines; time/lapic_timer.c reads the TSC and
 * fences, which test_lapic_timer defines (its fence drains the simulated APIC's posted
 * writes); time/tick_start.c reads the TSC and the interrupt flag and pauses in its waits,
 * which test_tick_start defines (its pause lets the simulated tick run). Test-only. */
#ifndef TEST_ARCH_CPU_H
#define TEST_ARCH_CPU_H

#include <lios/types.h>

#define RFLAGS_IF (1ull << 9)

uint64_t read_cr0(void);
uint64_t read_cr2(void);
uint64_t read_cr3(void);
uint64_t read_cr4(void);
void write_cr4(uint64_t v);
uint64_t irq_save(void);
void irq_restore(uint64_t flags);
uint64_t rdtsc(void);
void mfence(void);
uint64_t read_rflags(void);
void cpu_pause(void);

#endif
