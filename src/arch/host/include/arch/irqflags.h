/* SPDX-License-Identifier: MIT */
/* Host stand-in of the interrupt flag (lios/arch.h): a plain variable, inline like the
 * kernel's, so host benchmarks pay what the kernel pays. */
#ifndef ARCH_IRQFLAGS_H
#define ARCH_IRQFLAGS_H

#include <stdint.h>

extern uint64_t host_irq_state; /* 1: "interrupts enabled" (src/arch/host/arch_host.c) */

static inline uint64_t arch_irq_save(void)
{
	uint64_t s = host_irq_state;

	host_irq_state = 0;
	return s;
}
static inline void arch_irq_restore(uint64_t state) { host_irq_state = state; }
static inline void arch_irq_enable(void) { host_irq_state = 1; }
static inline bool arch_irqs_enabled(void) { return host_irq_state != 0; }

#endif
