/* SPDX-License-Identifier: MIT */
/*
 * The register frame built by the interrupt stubs (src/arch/x86_64/cpu/isr.S) and handed
 * to trap_dispatch(). The layout is fixed by the stubs: keep both in step.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <lios/compiler.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;     /* pushed by the stub */
	uint64_t error_code; /* pushed by the CPU, or 0 by the stub */
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
static_assert(sizeof(struct trap_frame) == 22 * 8, "isr.S pushes 22 quadwords");

#define VEC_DE 0
#define VEC_NMI 2
#define VEC_BP 3
#define VEC_UD 6
#define VEC_DF 8
#define VEC_GP 13
#define VEC_PF 14
#define VEC_MC 18
#define VEC_IRQ_BASE 32   /* legacy IRQ 0-15 are remapped to 32-47 */
#define VEC_CALL 0xe0 /* arch_call_in_interrupt's software interrupt (no device sends it) */
#define VEC_LAPIC_TIMER 0xf0 /* the local APIC timer tick (a local vector, no ISA line) */
#define VEC_SPURIOUS 0xff

/* Page-fault error code bits. */
#define PF_PRESENT (1u << 0)
#define PF_WRITE (1u << 1)
#define PF_USER (1u << 2)
#define PF_RSVD (1u << 3)
#define PF_INSTR (1u << 4)

void trap_dispatch(struct trap_frame *tf);

/* Interrupt handlers for vectors >= 32 are registered here (src/arch/x86_64/cpu/irq.c).
 * irq_dispatch is called by trap_dispatch with interrupts disabled. */
void irq_dispatch(struct trap_frame *tf);

/* Prints the registers of tf (panic screens). */
void trap_print_frame(const struct trap_frame *tf);

#endif
