/* SPDX-License-Identifier: MIT */
/*
 * The local APIC's registers as the rest of arch sees them: names (Intel SDM vol. 3A,
 * chapter 11, table 11-1) and access to the registers (a mapped page, or MSRs in x2APIC
 * mode) that src/arch/x86_64/cpu/apic.c owns. The interrupt layer (cpu/) enables the APIC; the clock
 * code (time/lapic_timer.c) programs its timer. Private to src/arch/.
 */
#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include <lios/types.h>

/* Local APIC register offsets (Intel SDM vol. 3A, table 11-1) and bits. */
#define LAPIC_ID 0x020
#define LAPIC_ID_SHIFT 24            /* xAPIC ID in bits 31-24 */
#define LAPIC_VERSION 0x030
#define LAPIC_VERSION_MASK 0xff
#define LAPIC_MAX_LVT_SHIFT 16       /* bits 23-16: entries in the LVT minus one */
#define LAPIC_TPR 0x080              /* task priority register */
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0              /* spurious-interrupt vector register */
#define LAPIC_SVR_VECTOR_MASK 0xff
#define LAPIC_SVR_APIC_ENABLE (1u << 8)  /* APIC software enable */
#define LAPIC_ISR 0x100              /* in-service register: 8 of them, 0x10 apart, */
#define LAPIC_ISR_STRIDE 0x10        /* vector v is bit v % 32 of ISR number v / 32 */
#define LAPIC_ISR_REGS 8
#define LAPIC_LVT_CMCI 0x2f0         /* corrected machine-check interrupt (max LVT >= 6) */
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_LVT_DM_FIXED (0u << 8)     /* delivery mode, bits 10-8 */
#define LAPIC_LVT_DM_NMI (4u << 8)
#define LAPIC_LVT_DM_EXTINT (7u << 8)
#define LAPIC_LVT_POLARITY_LOW (1u << 13)/* input pin polarity: active low */
#define LAPIC_LVT_TRIGGER_LEVEL (1u << 15)
#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_MMIO_SIZE 0x400            /* registers up to 0x3f0 */
#define LAPIC_LVT_TIMER_ONESHOT (0u << 17)   /* timer mode, bits 18-17 */
#define LAPIC_LVT_TIMER_PERIODIC (1u << 17)
#define LAPIC_LVT_TIMER_TSC_DEADLINE (2u << 17)
#define LAPIC_TIMER_INITIAL 0x380            /* initial count */
#define LAPIC_TIMER_CURRENT 0x390            /* current count (read only) */
#define LAPIC_TIMER_DIVIDE 0x3e0             /* divide configuration */
#define LAPIC_TIMER_DIVIDE_16 0x3            /* bits 3,1,0 = 0,1,1: divide by 16 */

/* In x2APIC mode the same registers are MSRs (Intel SDM vol. 3A, 11.12.1.2): 0x800 plus the
 * xAPIC offset divided by 16. Pure. */
#define X2APIC_MSR_BASE 0x800u
static inline uint32_t lapic_x2apic_msr(unsigned int reg) { return X2APIC_MSR_BASE + (reg >> 4); }

/* True once the local APIC is mapped and software-enabled (either interrupt backend). */
bool lapic_in_use(void);
/* Read or write a register of the local APIC (lapic_in_use()): the mapped page in xAPIC
 * mode, the MSR in x2APIC mode. Any context. */
uint32_t lapic_reg_read(unsigned int reg);
void lapic_reg_write(unsigned int reg, uint32_t v);
/* End of interrupt for the highest in-service vector. Interrupts disabled. */
void lapic_eoi(void);
/* End of interrupt for vector only if the local APIC holds it in service (it delivered
 * it); true when an EOI was sent. Interrupts disabled. */
bool lapic_eoi_if_in_service(unsigned int vector);
/* The timer's tick (time/lapic_timer.c), called by irq_dispatch for VEC_LAPIC_TIMER before
 * its EOI. Interrupts disabled. */
void timer_local_interrupt(void);

#endif
