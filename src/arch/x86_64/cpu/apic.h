/* SPDX-License-Identifier: MIT */
/*
 * The local APIC (apic.c) and the I/O APICs (ioapic.c), used only by the interrupt layer
 * (irq.c) and its self-tests. Both are set up from the ACPI MADT by irq_init() when it
 * chooses the APIC backend; before that, or on the 8259 backend, every query here reports
 * "not in use" and nothing touches the hardware.
 */
#ifndef ARCH_APIC_H
#define ARCH_APIC_H

#include <lios/irq_model.h>
#include <lios/types.h>
#include <arch/lapic.h>

/* IA32_APIC_BASE (MSR 0x1b) bits. */
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_X2APIC_ENABLE (1ull << 10) /* EXTD: registers only through MSRs */
#define APIC_BASE_GLOBAL_ENABLE (1ull << 11)
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull

/* Checks the CPU (CPUID APIC) and maps the local APIC at the address IA32_APIC_BASE holds
 * (the MADT's should agree), or, when the firmware left x2APIC mode on, uses its MSRs (an
 * ID above 255 refused). Returns 0, or a negative error with *why; writes no APIC
 * register. lapic_release() undoes it. Boot, interrupts off. */
int lapic_init(const struct irq_model *model, const char **why);
void lapic_release(void);
/* Enables the mapped local APIC: spurious vector VEC_SPURIOUS, task priority 0, LINT0
 * masked, LINT1 as the MADT's NMI entries say (NMI when none names this CPU),
 * timer/error/perf/thermal/CMCI LVTs masked, nothing left in service. Boot, interrupts
 * off. */
void lapic_enable(const struct irq_model *model);
/* Enables the mapped local APIC beside the 8259s, for its timer only: LINT0 ExtINT
 * (virtual wire), LINT1 NMI, other LVTs masked, nothing left in service. Boot,
 * interrupts off. */
void lapic_enable_virtual_wire(void);
/* Register reads for irq.c's log line and the self-tests; 0 when the APIC is not in use. */
uint32_t lapic_id(void);
uint32_t lapic_version(void);
uint32_t lapic_svr(void);
uint32_t lapic_lvt(unsigned int reg);
paddr_t lapic_phys(void);
bool lapic_x2apic_mode(void);

/* Maps the MADT's I/O APICs (an entry refused for its address or GSI range stays
 * unmapped), masks all of their inputs, ends any level interrupt the firmware left
 * awaiting its EOI (Remote IRR) on those in use, and routes ISA lines 0-15 (except the
 * cascade) to vectors 32-47 with the override's GSI, polarity and trigger, fixed delivery
 * to local APIC dest_id, each entry masked. Returns 0, or a negative error with
 * *why (then the redirection entries it wrote are masked). Boot, interrupts off. */
int ioapic_init(const struct irq_model *model, uint8_t dest_id, const char **why);
/* Mask or unmask ISA line irq's redirection entry. Returns -ENODEV when the line has no
 * route. Interrupts off. */
int ioapic_set_masked(unsigned int irq, bool masked);
/* True when ISA line irq has an input on an I/O APIC. */
bool ioapic_line_routed(unsigned int irq);
/* The global system interrupt of ISA line irq (valid when routed). */
uint32_t ioapic_line_gsi(unsigned int irq);
/* The line's redirection entry as the I/O APIC holds it (read back); all ones when the
 * line has no route. */
uint64_t ioapic_line_entry(unsigned int irq);
/* Bit n set: line n masked in its redirection entry or without route. */
uint16_t ioapic_mask_state(void);
/* I/O APIC i's ID, physical address, number of inputs, counting the I/O APICs in use only
 * (a refused MADT entry is none); false past the last. */
bool ioapic_describe(unsigned int i, uint8_t *id, paddr_t *phys, unsigned int *inputs);
/* For the boot line: "I/O APIC <id> at <address>, <inputs> lines" of the first in use, and
 * " (and N more I/O APIC[s])" when more are in use; "" before ioapic_init succeeded. */
void ioapic_summary(char *buf, size_t n);

/* Redirection entry bits (82093AA data sheet, 3.2.4), low dword unless stated. */
#define IOAPIC_RTE_VECTOR_MASK 0xffull
#define IOAPIC_RTE_DELMOD_MASK (7ull << 8)
#define IOAPIC_RTE_DELMOD_FIXED (0ull << 8)
#define IOAPIC_RTE_DELMOD_SMI (2ull << 8)
#define IOAPIC_RTE_DESTMOD_LOGICAL (1ull << 11)
#define IOAPIC_RTE_INTPOL_LOW (1ull << 13)
#define IOAPIC_RTE_REMOTE_IRR (1ull << 14) /* read-only: a level interrupt awaits its EOI */
#define IOAPIC_RTE_TRIGGER_LEVEL (1ull << 15)
#define IOAPIC_RTE_MASKED (1ull << 16)
#define IOAPIC_RTE_DEST_SHIFT 56          /* physical destination: APIC ID, bits 63-56 */

#endif
