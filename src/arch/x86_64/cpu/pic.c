// SPDX-License-Identifier: MIT
/*
 * The legacy 8259A programmable interrupt controllers, master and slave cascaded on line 2,
 * as every PC chipset (and QEMU pc and q35) still provides them. This file owns their
 * initialisation words, the mask registers and the end-of-interrupt commands; irq.c decides
 * what to mask and when to acknowledge.
 *
 * Register names follow the Intel 8259A data sheet: ICW1-4 initialise, OCW1 is the mask,
 * OCW2 the EOI, OCW3 selects which register a read of the command port returns.
 *
 * Beside them, the chipset's edge/level control registers (ELCR, ports 0x4d0 and 0x4d1, as
 * Intel's PIIX and ICH document them; ICW1's LTIM bit is ignored there) say which lines
 * the PICs take as level-triggered: a level line in edge mode, as the ACPI SCI or a PCI
 * INTx line, is seen once and then never again while the next request overlaps the first.
 * This file sets a line's bit when the firmware's interrupt model says it is level-triggered
 * (pic_line_level, pic_set_level), and never for the lines that are edge on every PC: the timer (0), the
 * keyboard (1), the cascade (2), the RTC (8) and the FPU error (13).
 */
#include <arch/io.h>
#include <lios/errno.h>
#include "pic.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

#define ICW1_ICW4 0x01      /* ICW4 follows */
#define ICW1_INIT 0x10      /* start initialisation (edge triggered, cascade mode) */
#define ICW3_MASTER_SLAVE_ON_IR2 0x04 /* master: a slave sits on input 2 */
#define ICW3_SLAVE_ID 0x02  /* slave: my cascade identity is 2 */
#define ICW4_8086 0x01      /* 8086/88 mode (vectors, not CALL instructions) */
#define OCW2_EOI 0x20       /* non-specific end of interrupt */
#define OCW3_READ_IRR 0x0a
#define OCW3_READ_ISR 0x0b

#define PIC_ELCR1 0x4d0 /* edge/level control of lines 0-7, bit n: line n level-triggered */
#define PIC_ELCR2 0x4d1 /* lines 8-15 */
/* lines whose ELCR bit must stay 0: timer, keyboard, cascade, RTC, FPU error */
#define PIC_EDGE_ONLY ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 8) | (1u << 13))

#define PIC_CASCADE_LINE 2
#define PIC_SPURIOUS_LINE 7 /* the lowest-priority input of each chip */

/*
 * pic_init - run the ICW1-ICW4 sequence on both chips with the master at vector_base and the
 * slave at vector_base + 8, then mask every line except the cascade.
 * Interrupts disabled; boot only.
 */
void pic_init(uint8_t vector_base)
{
	outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4);
	io_wait();
	outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4);
	io_wait();
	outb(PIC1_DATA, vector_base);           /* ICW2: vector offset */
	io_wait();
	outb(PIC2_DATA, vector_base + 8);
	io_wait();
	outb(PIC1_DATA, ICW3_MASTER_SLAVE_ON_IR2);
	io_wait();
	outb(PIC2_DATA, ICW3_SLAVE_ID);
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	io_wait();
	outb(PIC2_DATA, ICW4_8086);
	io_wait();
	pic_set_mask((uint16_t)~(1u << PIC_CASCADE_LINE));
	/* reads of the command ports return the in-service register from now on */
	outb(PIC1_CMD, OCW3_READ_ISR);
	outb(PIC2_CMD, OCW3_READ_ISR);
}

/*
 * pic_set_mask - write OCW1 of both chips; bit n masks line n. Interrupts disabled.
 */
void pic_set_mask(uint16_t mask)
{
	outb(PIC1_DATA, (uint8_t)mask);
	outb(PIC2_DATA, (uint8_t)(mask >> 8));
}

/*
 * pic_get_mask - read OCW1 back from both chips (not the cached copy, so self-tests see
 * what the hardware holds).
 */
uint16_t pic_get_mask(void)
{
	return (uint16_t)(inb(PIC1_DATA) | (inb(PIC2_DATA) << 8));
}

/*
 * pic_get_isr - both in-service registers; bit n: line n is being serviced.
 */
uint16_t pic_get_isr(void)
{
	outb(PIC1_CMD, OCW3_READ_ISR);
	outb(PIC2_CMD, OCW3_READ_ISR);
	return (uint16_t)(inb(PIC1_CMD) | (inb(PIC2_CMD) << 8));
}

/*
 * pic_eoi - acknowledge line irq: the slave's lines get an EOI on both chips.
 * Interrupt context, interrupts disabled.
 */
void pic_eoi(unsigned int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}

/*
 * pic_is_spurious - a line 7 or 15 interrupt whose in-service bit is clear was raised by
 * a request that went away before the acknowledge cycle. For a spurious IRQ 15 the master
 * did see a real cascade request and gets its EOI here. Interrupts disabled.
 */
bool pic_is_spurious(unsigned int irq)
{
	uint16_t isr;

	if ((irq & 7) != PIC_SPURIOUS_LINE)
		return false;
	isr = pic_get_isr();
	if (isr & (1u << irq))
		return false;
	if (irq >= 8)
		outb(PIC1_CMD, OCW2_EOI);
	return true;
}

/*
 * pic_line_level - whether model (NULL: none) says ISA line irq is level-triggered: its
 * interrupt source override's trigger is level (the ACPI SCI's is, the driver adds it when
 * the MADT has none), or, with or without a MADT, ACPI marked it in isa_level (the SCI on
 * a machine without one). Otherwise a line is ISA's: edge.
 * Pure; any context.
 */
bool pic_line_level(const struct irq_model *model, unsigned int irq)
{
	if (model && irq < 16 && (model->isa_level & (1u << irq)))
		return true;
	if (!model || !model->present)
		return false;
	for (unsigned int i = 0; i < model->override_count && i < ACPI_MAX_OVERRIDES; i++) {
		const struct acpi_irq_override *o = &model->overrides[i];

		if (o->source == irq)
			return (o->flags & ACPI_MPS_TRIGGER_MASK) == ACPI_MPS_TRIGGER_LEVEL;
	}
	return false;
}

/*
 * pic_set_level - set line irq's ELCR bit (level-triggered), keeping the others as the
 * firmware left them but those of the edge-only lines, which are cleared. Returns 0 with
 * *changed telling whether the bit was clear before, or -EINVAL for an edge-only line or
 * irq >= 16 (nothing written). Interrupts disabled.
 */
int pic_set_level(unsigned int irq, bool *changed)
{
	uint16_t port = irq < 8 ? PIC_ELCR1 : PIC_ELCR2;
	uint8_t edge_only = (uint8_t)(irq < 8 ? PIC_EDGE_ONLY : PIC_EDGE_ONLY >> 8);
	uint8_t bit = (uint8_t)(1u << (irq & 7));
	uint8_t v;

	if (irq >= 16 || (PIC_EDGE_ONLY & (1u << irq)))
		return -EINVAL;
	v = inb(port);
	*changed = !(v & bit);
	if (*changed || (v & edge_only))
		outb(port, (uint8_t)((v | bit) & ~edge_only));
	return 0;
}

/*
 * pic_get_elcr - both edge/level control registers, bit n: line n level-triggered.
 */
uint16_t pic_get_elcr(void)
{
	return (uint16_t)(inb(PIC_ELCR1) | (inb(PIC_ELCR2) << 8));
}
