/* SPDX-License-Identifier: MIT */
/* Host stand-in of the interrupt flag (lios/arch.h): a plain variable, inline like the
 * kernel's, so host benchmarks pay what the kernel pays. */
#ifndef ARCH_IRQFLAGS_H
#define ARCH_IRQFLAGS_H

#include <stdint.h>

extern uint64_t host_irq_state; /* 1: "interrupts enabled" (src/arch/host/arch_host.c) */

/* The compiler barriers keep the state they guard inside, as the kernel's cli/popf (asm
 * with a memory clobber) do: a host test's signal plays an interrupt that obeys the flag. */
static inline uint64_t arch_irq_save(void)
{
	uint64_t s = host_irq_state;

	host_irq_state = 0;
	__asm__ volatile("" ::: "memory");
	return s;
}
static inline void arch_irq_restore(uint64_t state)
{
	__asm__ volatile("" ::: "memory");
	host_irq_state = state;
}
static inline void arch_irq_enable(void)
{
	__asm__ volatile("" ::: "memory");
	host_irq_state = 1;
}
static inline bool arch_irqs_enabled(void) { return host_irq_state != 0; }

/* "Handlers running": arch_call_in_interrupt raises it around its call; tests may set it. */
extern uint32_t host_trap_depth;
static inline bool arch_in_interrupt(void) { return *(volatile uint32_t *)&host_trap_depth != 0; }

#endif
