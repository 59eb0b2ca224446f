// SPDX-License-Identifier: MIT
/*
 * The interrupt layer for vectors 32-255: the handler table of the 16 legacy lines, their
 * masks, the EOI and the spurious cases. trap_dispatch() calls irq_dispatch() for every
 * vector >= 32 with interrupts disabled, so a handler never nests with another.
 *
 * Vectors: 32-47 are the 8259 lines (pic.c, remapped away from the exceptions); 0xff is the
 * local APIC spurious vector (counted, no EOI); anything else has no source and is
 * reported once. Invariant: a line is unmasked exactly while it has a handler (the cascade
 * line 2 is always unmasked so the slave's lines can reach the CPU).
 */
#include <arch/cpu.h>
#include <arch/trap.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/printk.h>
#include "pic.h"

struct irq_line {
	irq_handler_fn fn;
	void *ctx;
	uint64_t count; /* interrupts handled */
};

static struct irq_line lines[IRQ_LINES];
static uint16_t mask = 0xffff;   /* bit n: line n masked */
static uint64_t spurious;
static bool unexpected_reported;
static bool ready;

/*
 * irq_init - remap the PICs to vectors 32-47 with every device line masked.
 * Interrupts disabled; once, after idt_init().
 */
void irq_init(void)
{
	pic_init(VEC_IRQ_BASE);
	mask = (uint16_t)~(1u << IRQ_CASCADE);
	ready = true;
	printk("irq: 8259 PICs at vectors %d-%d, all lines masked\n", VEC_IRQ_BASE,
	       VEC_IRQ_BASE + IRQ_LINES - 1);
}

static void set_line_masked(unsigned int irq, bool masked)
{
	uint64_t flags = irq_save();

	if (masked)
		mask |= (uint16_t)(1u << irq);
	else
		mask &= (uint16_t)~(1u << irq);
	if (ready)
		pic_set_mask(mask);
	irq_restore(flags);
}

/*
 * irq_register - install fn(irq, ctx) for line irq and unmask the line.
 * Returns 0, -EINVAL for a bad line (>= 16, the cascade) or no fn, -EBUSY when taken.
 * Any context.
 */
int irq_register(unsigned int irq, irq_handler_fn fn, void *ctx)
{
	uint64_t flags;

	if (irq >= IRQ_LINES || irq == IRQ_CASCADE || !fn)
		return -EINVAL;
	flags = irq_save();
	if (lines[irq].fn) {
		irq_restore(flags);
		return -EBUSY;
	}
	lines[irq].fn = fn;
	lines[irq].ctx = ctx;
	irq_restore(flags);
	set_line_masked(irq, false);
	return 0;
}

/*
 * irq_unregister - mask line irq, then drop its handler. Any context.
 */
void irq_unregister(unsigned int irq)
{
	uint64_t flags;

	if (irq >= IRQ_LINES || irq == IRQ_CASCADE)
		return;
	set_line_masked(irq, true);
	flags = irq_save();
	lines[irq].fn = NULL;
	lines[irq].ctx = NULL;
	irq_restore(flags);
}

/*
 * irq_mask - mask line irq, handler or not (a driver polling its device). Any context.
 */
void irq_mask(unsigned int irq)
{
	if (irq < IRQ_LINES && irq != IRQ_CASCADE)
		set_line_masked(irq, true);
}

/*
 * irq_unmask - unmask line irq again; refused for a line without a handler, which keeps
 * the invariant "unmasked only with a handler". Any context.
 */
void irq_unmask(unsigned int irq)
{
	if (irq < IRQ_LINES && irq != IRQ_CASCADE && lines[irq].fn)
		set_line_masked(irq, false);
}

/* irq_mask_state - the mask as the PICs hold it (bit n: line n masked). Any context. */
uint16_t irq_mask_state(void) { return ready ? pic_get_mask() : 0xffff; }

/* irq_count - interrupts handled on line irq (0 for a bad line). Any context. */
uint64_t irq_count(unsigned int irq) { return irq < IRQ_LINES ? lines[irq].count : 0; }

/* irq_spurious_count - spurious IRQ 7/15 and vector 0xff seen. Any context. */
uint64_t irq_spurious_count(void) { return spurious; }

static void legacy_irq(unsigned int irq)
{
	struct irq_line *l = &lines[irq];

	if (pic_is_spurious(irq)) {
		spurious++;
		return;
	}
	if (l->fn) {
		l->count++;
		l->fn(irq, l->ctx);
	} else if (!unexpected_reported) {
		/* masked lines can still arrive when the mask changed in flight */
		unexpected_reported = true;
		printk(KERN_WARN "irq: line %u raised without a handler\n", irq);
	}
	pic_eoi(irq);
}

/*
 * irq_dispatch - entry from trap_dispatch for vectors >= 32, interrupts disabled.
 */
void irq_dispatch(struct trap_frame *tf)
{
	uint64_t vec = tf->vector;

	if (vec >= VEC_IRQ_BASE && vec < VEC_IRQ_BASE + IRQ_LINES) {
		legacy_irq((unsigned int)(vec - VEC_IRQ_BASE));
		return;
	}
	if (vec == VEC_SPURIOUS) {
		spurious++;
		return;
	}
	if (!unexpected_reported) {
		unexpected_reported = true;
		printk(KERN_WARN "irq: unexpected vector %lu (no source; reported once)\n", vec);
	}
}
