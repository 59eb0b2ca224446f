/* SPDX-License-Identifier: MIT */
/*
 * The interrupt-flag part of the arch interface (lios/arch.h), inline: allocators and
 * printk save and restore interrupts on every call, so these must cost a few instructions,
 * not a call.
 */
#ifndef ARCH_IRQFLAGS_H
#define ARCH_IRQFLAGS_H

#include <arch/cpu.h>

/* Disables interrupts and returns the previous state for arch_irq_restore(). Any context. */
static inline uint64_t arch_irq_save(void) { return irq_save(); }
static inline void arch_irq_restore(uint64_t state) { irq_restore(state); }
static inline void arch_irq_enable(void) { sti(); }
/* True while interrupts are enabled (for assert()ing a context contract). Any context. */
static inline bool arch_irqs_enabled(void) { return read_rflags() & RFLAGS_IF; }

/* How many interrupt and exception handlers run on this CPU now (trap.c). */
extern uint32_t trap_depth;
/* True inside an interrupt or exception handler (NMI and machine check included), false in
 * process context, interrupts on or off. One load: the heap's fast paths test it. */
static inline bool arch_in_interrupt(void) { return *(volatile uint32_t *)&trap_depth != 0; }

#endif
