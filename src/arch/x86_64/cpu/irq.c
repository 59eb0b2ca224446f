// SPDX-License-Identifier: MIT
/*
 * The interrupt layer for vectors 32-255: the handler table of the 16 legacy lines, their
 * masks, the EOI and the spurious cases, over one of two backends chosen once by irq_init():
 *
 * - I/O APIC (ioapic.c, apic.c): when the ACPI MADT lists an I/O APIC and is intact, the
 *   CPU has a local APIC, and the command line does not say `noapic`. ISA line n arrives
 *   through its redirection entry (the MADT's override gives the GSI: QEMU's IRQ 0 is GSI 2)
 *   on vector 32 + n; the EOI goes to the local APIC. The 8259s are remapped to 32-47 (so
 *   a stray 8259 interrupt can never look like an exception) and fully masked, the cascade
 *   included; line 2 does not exist on this backend and reads as masked.
 * - 8259 PICs (pic.c) otherwise: lines on vectors 32-47, EOI to the PICs, spurious IRQ 7/15
 *   recognised by their in-service bit; the cascade line 2 stays unmasked so the slave's
 *   lines reach the CPU. A line the model's override says is level-triggered (the ACPI
 *   SCI) gets its ELCR bit when it is unmasked; the others stay as the firmware set them.
 *   The local APIC is enabled beside them in virtual wire mode for its timer (not with
 *   `nolapic_timer`).
 *
 * trap_dispatch() calls irq_dispatch() for every vector >= 32 with interrupts disabled, so a
 * handler never nests with another. Vector 0xff is the local APIC spurious vector (counted,
 * no EOI); VEC_LAPIC_TIMER is the local APIC timer's tick (time/lapic_timer.c, then a local
 * APIC EOI, on either backend); vectors 48-0xdf are the dynamic MSI vectors of
 * irq_vector.c (handler, then local APIC EOI); anything else has no source, is reported
 * once, and gets a local APIC EOI only if the local APIC holds it in service. Invariant: a
 * line is unmasked exactly while it has a handler; each delivered line gets exactly one
 * EOI, after its handler, on the backend that delivered it.
 */
#include <arch/cpu.h>
#include <arch/irqflags.h>
#include <arch/trap.h>
#include <arch/lapic.h>
#include <lios/cmdline.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/panic.h>
#include <lios/printk.h>
#include "apic.h"
#include "irq_vector.h"
#include "pic.h"

struct irq_line {
	irq_handler_fn fn;
	void *ctx;
	uint64_t count; /* interrupts handled */
};

static struct irq_line lines[IRQ_LINES];
static uint16_t mask = 0xffff;   /* bit n: line n masked */
static uint64_t spurious;
/* Each kind of stray interrupt is reported once, apart: one must not hide the other. */
static bool unhandled_line_reported;   /* an ISA line raised without a handler */
static bool unexpected_vector_reported; /* a vector with no source at all */
static enum irq_backend backend = IRQ_BACKEND_NONE;
static const struct irq_model *given_model; /* what kmain handed to irq_init() */

/* Tries the I/O APIC backend. Returns 0, or a negative error with *why; on failure no
 * local APIC register was written and every I/O APIC entry written is masked, so the 8259s
 * work as the firmware left them. */
static int apic_backend_init(const struct irq_model *model, bool noapic, const char **why)
{
	int err;

	if (noapic) {
		*why = "noapic on the command line";
		return -ENODEV;
	}
	if (!model || !model->present) {
		*why = "no ACPI MADT";
		return -ENODEV;
	}
	if (model->truncated) {
		*why = "the MADT is malformed";
		return -ENODEV;
	}
	/* lapic_init checks CPUID and IA32_APIC_BASE and maps the local APIC, so its ID (the
	 * entries' destination) is known; the I/O APICs are programmed with every entry
	 * masked, and only then is the local APIC switched over */
	err = lapic_init(model, why);
	if (err)
		return err;
	err = ioapic_init(model, (uint8_t)lapic_id(), why);
	if (err) {
		lapic_release();
		return err;
	}
	pic_init(VEC_IRQ_BASE);
	pic_set_mask(0xffff);
	lapic_enable(model);
	return 0;
}

/* The boot line of the I/O APIC backend: the I/O APICs in use (refused MADT entries are
 * not counted: their warnings came before), the local APIC, the timer's GSI. */
static void print_apic_line(void)
{
	char ioapics[96];

	ioapic_summary(ioapics, sizeof(ioapics));
	printk("irq: %s, local APIC %u %s%#llx, IRQ 0 -> GSI %u\n", ioapics, lapic_id(),
	       lapic_x2apic_mode() ? "in x2APIC mode, base " : "at ", (unsigned long long)lapic_phys(),
	       ioapic_line_gsi(IRQ_TIMER));
}

/* On the 8259 backend the local APIC still serves as the tick (its timer is a local
 * vector, no ISA line): enabled in virtual wire mode, so the 8259s keep reaching the CPU
 * through LINT0. `nolapic_timer` leaves it as the firmware had it (the PIT is the tick). */
static void local_apic_beside_pics(const struct irq_model *model)
{
	const char *why = "";

	if (cmdline_has("nolapic_timer")) {
		printk("irq: local APIC not used: nolapic_timer on the command line\n");
		return;
	}
	if (lapic_init(model, &why)) {
		printk("irq: local APIC not used: %s\n", why);
		return;
	}
	lapic_enable_virtual_wire();
	printk("irq: local APIC %u %s%#llx beside the 8259s (virtual wire), for the timer\n",
	       lapic_id(), lapic_x2apic_mode() ? "in x2APIC mode, base " : "at ",
	       (unsigned long long)lapic_phys());
}

/*
 * irq_init - choose the backend (see the top of the file) and set it up with every device
 * line masked; print the "irq: ..." line saying which. model is the firmware's interrupt
 * model (NULL or !present: none), noapic the user's wish for the 8259s; model must stay
 * valid for the whole run. Interrupts disabled; once, after idt_init() and mm (ioremap).
 */
void irq_init(const struct irq_model *model, bool noapic)
{
	const char *why = "";

	assert(backend == IRQ_BACKEND_NONE && !arch_irqs_enabled());
	given_model = model;
	if (apic_backend_init(model, noapic, &why) == 0) {
		mask = 0xffff;
		backend = IRQ_BACKEND_IOAPIC;
		print_apic_line();
		return;
	}
	printk("irq: APIC not used: %s\n", why);
	pic_init(VEC_IRQ_BASE);
	mask = (uint16_t)~(1u << IRQ_CASCADE);
	backend = IRQ_BACKEND_PIC;
	printk("irq: 8259 PICs at vectors %d-%d, all lines masked\n", VEC_IRQ_BASE,
	       VEC_IRQ_BASE + IRQ_LINES - 1);
	local_apic_beside_pics(model);
}

/* irq_backend - the backend irq_init chose (IRQ_BACKEND_NONE before). Any context. */
enum irq_backend irq_backend(void) { return backend; }

/* irq_backend_name - "I/O APIC", "8259 PICs" or "none". Any context. */
const char *irq_backend_name(void)
{
	return backend == IRQ_BACKEND_IOAPIC ? "I/O APIC" : backend == IRQ_BACKEND_PIC ? "8259 PICs" : "none";
}

/* line_routable - line irq can be unmasked on the current backend (before irq_init,
 * as on the PICs: every line but the cascade). Any context. */
static bool line_routable(unsigned int irq)
{
	return backend != IRQ_BACKEND_IOAPIC || ioapic_line_routed(irq);
}

/* On the PICs, a line the firmware's model says is level-triggered (the ACPI SCI) gets
 * its ELCR bit before it is unmasked: in edge mode it would be seen once, then never
 * again while the request stays asserted. Said once per line ("irq: IRQ 9
 * level-triggered: ELCR bit set"), whether the firmware had set it already or not. */
static void pic_line_trigger(unsigned int irq)
{
	static uint16_t said; /* bit n: line n's trigger logged */
	bool changed;

	if (!pic_line_level(given_model, irq) || pic_set_level(irq, &changed) < 0 ||
	    (said & (1u << irq)))
		return;
	said |= (uint16_t)(1u << irq);
	printk("irq: IRQ %u level-triggered: ELCR bit %s\n", irq,
	       changed ? "set" : "already set by the firmware");
}

static void set_line_masked(unsigned int irq, bool masked)
{
	uint64_t flags = irq_save();

	if (!masked && backend == IRQ_BACKEND_PIC)
		pic_line_trigger(irq);
	if (masked)
		mask |= (uint16_t)(1u << irq);
	else
		mask &= (uint16_t)~(1u << irq);
	if (backend == IRQ_BACKEND_PIC)
		pic_set_mask(mask);
	else if (backend == IRQ_BACKEND_IOAPIC)
		ioapic_set_masked(irq, masked);
	irq_restore(flags);
}

/*
 * irq_register - install fn(irq, ctx) for line irq and unmask the line.
 * Returns 0, -EINVAL for a bad line (>= 16, the cascade) or no fn, -ENODEV when the I/O
 * APIC backend has no input for the line, -EBUSY when taken. Any context.
 */
int irq_register(unsigned int irq, irq_handler_fn fn, void *ctx)
{
	uint64_t flags;

	if (irq >= IRQ_LINES || irq == IRQ_CASCADE || !fn)
		return -EINVAL;
	if (!line_routable(irq))
		return -ENODEV;
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

/* irq_mask_state - the mask as the backend's hardware holds it (bit n: line n masked):
 * the PICs' OCW1, or the redirection entries' mask bits (unrouted lines read as masked).
 * Any context. */
uint16_t irq_mask_state(void)
{
	if (backend == IRQ_BACKEND_PIC)
		return pic_get_mask();
	if (backend == IRQ_BACKEND_IOAPIC)
		return ioapic_mask_state();
	return 0xffff;
}

/* irq_count - interrupts handled on line irq (0 for a bad line). Any context. */
uint64_t irq_count(unsigned int irq) { return irq < IRQ_LINES ? lines[irq].count : 0; }

/* irq_has_handler - true when line irq has a registered handler. Any context. */
bool irq_has_handler(unsigned int irq) { return irq < IRQ_LINES && lines[irq].fn; }

/* irq_spurious_count - spurious IRQ 7/15 and vector 0xff seen. Any context. */
uint64_t irq_spurious_count(void) { return spurious; }

static void legacy_irq(unsigned int irq)
{
	struct irq_line *l = &lines[irq];
	bool apic = backend == IRQ_BACKEND_IOAPIC;

	if (!apic && pic_is_spurious(irq)) {
		spurious++;
		return;
	}
	if (l->fn) {
		l->count++;
		l->fn(irq, l->ctx);
	} else if (!unhandled_line_reported) {
		/* masked lines can still arrive when the mask changed in flight */
		unhandled_line_reported = true;
		printk(KERN_WARN "irq: line %u raised without a handler\n", irq);
	}
	if (apic)
		lapic_eoi();
	else
		pic_eoi(irq);
}

/*
 * irq_dispatch - entry from trap_dispatch for vectors >= 32, interrupts disabled.
 */
void irq_dispatch(struct trap_frame *tf)
{
	uint64_t vec = tf->vector;
	bool eoi;

	if (vec >= VEC_IRQ_BASE && vec < VEC_IRQ_BASE + IRQ_LINES) {
		legacy_irq((unsigned int)(vec - VEC_IRQ_BASE));
		return;
	}
	if (vec == VEC_LAPIC_TIMER) {
		timer_local_interrupt();
		lapic_eoi();
		return;
	}
	if (irq_vector_dispatch((unsigned int)vec))
		return;
	if (vec == VEC_SPURIOUS) {
		spurious++;
		return;
	}
	/* No source of ours: still, if the local APIC delivered it (an LVT or MSI the
	 * firmware left programmed), it stays in service and blocks its priority class and
	 * every lower one, the tick's included, until an EOI. */
	eoi = lapic_eoi_if_in_service((unsigned int)vec);
	if (!unexpected_vector_reported) {
		unexpected_vector_reported = true;
		printk(KERN_WARN "irq: unexpected vector %lu (no source%s; reported once)\n", vec,
		       eoi ? ", ended at the local APIC" : "");
	}
}

/* irq_given_model - the model irq_init() was handed (NULL if none), for the self-tests. */
const struct irq_model *irq_given_model(void) { return given_model; }
