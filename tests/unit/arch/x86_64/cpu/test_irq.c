// SPDX-License-Identifier: MIT
/*
 * The real interrupt layer (src/arch/x86_64/cpu/irq.c) on the 8259 backend, against
 * simulated PICs and a simulated local APIC: what it reports about interrupts nobody
 * asked for. Two different events are each reported once: an ISA line raised without a
 * handler (a mask changed in flight, a device the firmware left asserting) and a vector
 * with no source at all (an LVT or MSI the firmware left programmed). One of them must
 * not silence the other: the old code shared one flag, so whichever came first hid the
 * second kind for the rest of the run. The flags live for the whole program, so the cases
 * run in order, once.
 */
#include <lios/cmdline.h>
#include <arch/irqflags.h>
#include <arch/trap.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/printk.h>
#include <string.h>
#include "../../../unit.h"
#include "../../../../support/log_capture.h"
#include "apic.h"
#include "irq_vector.h"
#include "pic.h"

static unsigned pic_eois, lapic_eois;

/* The 8259s: nothing spurious, EOIs counted. */
void pic_init(uint8_t vector_base) { (void)vector_base; }
void pic_set_mask(uint16_t m) { (void)m; }
uint16_t pic_get_mask(void) { return 0xffff; }
void pic_eoi(unsigned int irq) { (void)irq, pic_eois++; }
bool pic_is_spurious(unsigned int irq) { return (void)irq, false; }
bool pic_line_level(const struct irq_model *model, unsigned int irq)
{
	return (void)model, (void)irq, false;
}
int pic_set_level(unsigned int irq, bool *changed) { return (void)irq, *changed = false, 0; }

/* The local APIC: refused (`noapic` and no local APIC, the plain 8259 machine), so no
 * vector is ever in service there. */
int lapic_init(const struct irq_model *model, const char **why)
{
	(void)model;
	*why = "the CPU has no local APIC (CPUID)";
	return -ENODEV;
}
void lapic_release(void) {}
void lapic_enable(const struct irq_model *model) { (void)model; }
void lapic_enable_virtual_wire(void) {}
uint32_t lapic_id(void) { return 0; }
paddr_t lapic_phys(void) { return 0; }
bool lapic_x2apic_mode(void) { return false; }
void lapic_eoi(void) { lapic_eois++; }
bool lapic_eoi_if_in_service(unsigned int vector) { return (void)vector, false; }
void timer_local_interrupt(void) {}

/* No I/O APIC backend in this test. */
int ioapic_init(const struct irq_model *model, uint8_t dest_id, const char **why)
{
	(void)model, (void)dest_id;
	*why = "not simulated";
	return -ENODEV;
}
int ioapic_set_masked(unsigned int irq, bool masked) { return (void)irq, (void)masked, -ENODEV; }
bool ioapic_line_routed(unsigned int irq) { return (void)irq, false; }
uint32_t ioapic_line_gsi(unsigned int irq) { return irq; }
uint16_t ioapic_mask_state(void) { return 0xffff; }
bool ioapic_describe(unsigned int i, uint8_t *id, paddr_t *phys, unsigned int *inputs)
{
	return (void)i, (void)id, (void)phys, (void)inputs, false;
}
void ioapic_summary(char *buf, size_t n) { (void)n, buf[0] = '\0'; }

/* No dynamic vector is allocated: none of them is irq_vector.c's. */
bool irq_vector_dispatch(unsigned int vector) { return (void)vector, false; }

uint64_t irq_save(void) { return 0; }
void irq_restore(uint64_t flags) { (void)flags; }

static void deliver(uint64_t vector)
{
	struct trap_frame tf;

	memset(&tf, 0, sizeof(tf));
	tf.vector = vector;
	irq_dispatch(&tf);
}

/* `noapic`, no MADT: the 8259 backend (boot: interrupts off). */
static void pic_backend(void)
{
	arch_irq_save();
	irq_init(NULL, true);
	CHECK_EQ(irq_backend(), IRQ_BACKEND_PIC);
}

/* Line 5, no handler, raised twice: reported once ("raised without a handler"), each
 * time ended at the 8259s. Then vector 0xe5 (no line, no MSI, not the tick): reported
 * too, once, although the line was reported before it. The old code said nothing about
 * the vector. */
static void each_kind_reported_once(void)
{
	log_capture_clear();
	printk_add_sink(log_capture_sink, false);
	deliver(VEC_IRQ_BASE + 5);
	deliver(VEC_IRQ_BASE + 5);
	CHECK_EQ(pic_eois, 2u);
	CHECK(log_captured("irq: line 5 raised without a handler"));
	CHECK(log_captured("irq: unexpected vector") == false);

	deliver(0xe5);
	CHECK(log_captured("irq: unexpected vector 229"));
	CHECK_EQ(lapic_eois, 0u); /* nothing in service at the local APIC */

	/* again of each kind, other line and vector: nothing new */
	log_capture_clear();
	deliver(VEC_IRQ_BASE + 6);
	deliver(0xe6);
	CHECK_EQ(log_capture_len, (size_t)0);
	CHECK_EQ(pic_eois, 3u);
	printk_remove_sink(log_capture_sink);
}

int main(void)
{
	RUN(pic_backend);
	RUN(each_kind_reported_once);
	return unit_summary();
}
