/* SPDX-License-Identifier: MIT */
/*
 * Hardware interrupt lines (src/arch/x86_64/cpu/irq.c over the I/O APIC and local APIC in
 * ioapic.c/apic.c, or the 8259 PICs in pic.c with `noapic` or without a usable MADT):
 * drivers register one handler per legacy IRQ line 0-15; registering unmasks the line,
 * unregistering masks it again. The interrupt layer sends the EOI, recognises spurious
 * IRQ 7/15 and the spurious vector 0xff, and counts everything.
 *
 * Handlers run with interrupts disabled, on the interrupted stack: they must be short and
 * must not sleep. Lines without a handler stay masked.
 */
#ifndef LIOS_IRQ_H
#define LIOS_IRQ_H

#include <lios/compiler.h>
#include <lios/irq_model.h>

#define IRQ_LINES 16    /* legacy ISA lines, vectors 32-47 */
#define IRQ_TIMER 0     /* PIT channel 0 */
#define IRQ_KEYBOARD 1  /* 8042 first port */
#define IRQ_CASCADE 2   /* the slave PIC: never delivered */
#define IRQ_COM1 4
#define IRQ_MOUSE 12    /* 8042 second port */

typedef void (*irq_handler_fn)(unsigned int irq, void *ctx);

enum irq_backend {
	IRQ_BACKEND_NONE,   /* before irq_init */
	IRQ_BACKEND_PIC,    /* the 8259s */
	IRQ_BACKEND_IOAPIC, /* I/O APIC lines, local APIC EOI; the 8259s fully masked */
};

/* Choose the backend (I/O APIC unless noapic, no MADT I/O APIC in model (NULL: no model)
 * or no CPU APIC), route lines 0-15 to vectors 32-47 and mask every line; print
 * "irq: ...". kmain hands down the firmware's model (from ACPI) and the `noapic` wish; the
 * model must stay valid. Interrupts must be disabled; call once, after the IDT is loaded
 * and mm, before arch_irq_enable(). */
void irq_init(const struct irq_model *model, bool noapic);
/* The model irq_init() was given (NULL if none). */
const struct irq_model *irq_given_model(void);
enum irq_backend irq_backend(void);
/* "I/O APIC", "8259 PICs" or "none". */
const char *irq_backend_name(void);
/* Install fn(irq, ctx) on line irq and unmask it. Returns 0, -EINVAL (bad line, no fn),
 * -ENODEV (no I/O APIC input for the line) or -EBUSY (the line has a handler). Any
 * context. */
int irq_register(unsigned int irq, irq_handler_fn fn, void *ctx);
/* Mask line irq and remove its handler. */
void irq_unregister(unsigned int irq);
/* Mask or unmask a line without changing its handler (e.g. while polling a device). */
void irq_mask(unsigned int irq);
void irq_unmask(unsigned int irq);
/* Bit n set: line n is masked, as the hardware holds it: both PICs' masks (the cascade
 * line included), or the I/O APIC redirection entries (lines without an input, the
 * cascade among them, read as masked). */
uint16_t irq_mask_state(void);
/* True when line irq has a registered handler. */
bool irq_has_handler(unsigned int irq);
/* Interrupts handled on line irq since boot. */
uint64_t irq_count(unsigned int irq);
/* Spurious interrupts seen (IRQ 7/15 without an in-service bit, vector 0xff). */
uint64_t irq_spurious_count(void);
/* Non-maskable interrupts seen since boot (reported or not: nmi.c says only the first few). */
uint64_t irq_nmi_count(void);

/*
 * Dynamic vectors for message-signalled interrupts (MSI, MSI-X): vectors
 * IRQ_VECTOR_DYN_FIRST..IRQ_VECTOR_DYN_LAST, delivered by the local APIC, EOI to the local
 * APIC. Only on the I/O APIC backend (the local APIC is enabled and mapped); on the 8259
 * backend the local APIC is left as firmware had it, so irq_alloc_vector returns -ENODEV
 * and drivers fall back to their INTx line or polling.
 * irq_alloc_vector: install fn(vector, ctx), return the vector, or -EINVAL (no fn),
 * -ENODEV, -ENOSPC (all taken). irq_free_vector: drop the handler (the device must no
 * longer send it). arch_msi_message: the address/data pair that raises 'vector' on this
 * CPU (fixed delivery, edge); -EINVAL for a vector that is not allocated. Any context.
 */
#define IRQ_VECTOR_DYN_FIRST 48
#define IRQ_VECTOR_DYN_LAST 0xdf /* 0xe0-0xfe stay free for fixed system vectors */
int irq_alloc_vector(irq_handler_fn fn, void *ctx);
void irq_free_vector(int vector);
int arch_msi_message(int vector, uint64_t *addr, uint32_t *data);
/* Interrupts handled on a dynamic vector since it was allocated (0 when free). */
uint64_t irq_vector_count(int vector);

#endif
