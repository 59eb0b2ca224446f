// SPDX-License-Identifier: MIT
/*
 * The real I/O APIC code (src/arch/x86_64/cpu/ioapic.c) against a MADT that lists one I/O
 * APIC twice: two entries at the same physical address, with GSI ranges that do not
 * overlap. One register window is one chip, so the two entries would claim the same 24
 * inputs for two different GSI ranges, and a line routed through the second would rewrite
 * the entry of a line routed through the first. Linux refuses such an entry
 * (mp_register_ioapic returns -EEXIST for an address already registered). Before the fix
 * LiOS took both: the overlap check compares GSI ranges only.
 *
 * The simulated chips are register files behind IOREGSEL/IOWIN found by their physical
 * address, so both entries of one address reach the same registers, as on a machine.
 */
#include <arch/mmio.h>
#include <arch/trap.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/irq_model.h>
#include <lios/paging.h>
#include <lios/printk.h>
#include <lios/vmalloc.h>
#include <string.h>
#include "../../../unit.h"
#include "../../../../support/log_capture.h"
#include "apic.h"

#define WINDOW_BYTES 0x44 /* IOREGSEL at 0, IOWIN at 0x10, EOI at 0x40 */
#define CHIPS 2
#define INPUTS 24
#define MASKED IOAPIC_RTE_MASKED

struct sim_ioapic {
	uint32_t window[WINDOW_BYTES / 4]; /* what ioremap returns; only its address matters */
	paddr_t phys;
	uint8_t sel;                     /* IOREGSEL */
	uint32_t reg[0x10 + 2 * INPUTS]; /* registers 0x10 on: the redirection table */
	unsigned int maps;               /* ioremaps of this chip's window */
};

static struct sim_ioapic sim[CHIPS];

void *ioremap(paddr_t phys, size_t size, unsigned cache)
{
	CHECK(size >= WINDOW_BYTES);
	CHECK_EQ(cache, PG_CACHE_UC);
	for (unsigned int i = 0; i < CHIPS; i++)
		if (sim[i].phys == phys) {
			sim[i].maps++;
			return sim[i].window;
		}
	CHECK(!"ioremap of an address where no I/O APIC is");
	return NULL;
}

void iounmap(void *p) { (void)p; }

uint64_t irq_save(void) { return 0; }
void irq_restore(uint64_t flags) { (void)flags; }

static struct sim_ioapic *chip_of(const volatile uint32_t *p, unsigned int *offset)
{
	for (unsigned int i = 0; i < CHIPS; i++)
		if (p >= sim[i].window && p < sim[i].window + WINDOW_BYTES / 4) {
			*offset = (unsigned int)(p - sim[i].window) * 4;
			return &sim[i];
		}
	CHECK(!"MMIO access outside every I/O APIC window");
	return &sim[0];
}

uint32_t mmio_read32(const volatile uint32_t *p)
{
	unsigned int off;
	struct sim_ioapic *c = chip_of(p, &off);

	if (off == 0x00)
		return c->sel;
	if (off != 0x10)
		return ~0u;
	if (c->sel == 0x01) /* IOAPICVER: version 0x20, maximum redirection entry 23 */
		return 0x20 | (INPUTS - 1) << 16;
	return c->sel >= 0x10 && c->sel < 0x10 + 2 * INPUTS ? c->reg[c->sel] : 0;
}

void mmio_write32(volatile uint32_t *p, uint32_t v)
{
	unsigned int off;
	struct sim_ioapic *c = chip_of(p, &off);

	if (off == 0x00)
		c->sel = (uint8_t)v;
	else if (off == 0x10 && c->sel >= 0x10 && c->sel < 0x10 + 2 * INPUTS)
		c->reg[c->sel] = v;
}

/* Input pin's redirection entry on chip i, both dwords. */
static uint64_t entry(unsigned int i, unsigned int pin)
{
	return sim[i].reg[0x10 + 2 * pin] | (uint64_t)sim[i].reg[0x11 + 2 * pin] << 32;
}

/*
 * The MADT lists, in this order:
 *   I/O APIC 0 at 0xfec00000, GSI base 0:  GSIs 0-23 (the chip that is there);
 *   I/O APIC 1 at 0xfec00000, GSI base 24: GSIs 24-47, the same chip again (a firmware
 *      that copied the first entry's address into the second's; the real second I/O
 *      APIC at 0xfec01000 is not listed);
 * and overrides IRQ 0 -> GSI 2 and IRQ 11 -> GSI 25 (level, active low: on a real board a
 * line of the second I/O APIC).
 * Expected: the second entry is refused with a warning that names both entries and the
 * address; IRQ 1 (the keyboard, GSI 1) keeps input 1 of the one chip with its own vector,
 * where IRQ 11 through the duplicate's GSI base (25 - 24 = 1) would have rewritten it;
 * IRQ 11 has no input and cannot be unmasked; the chip at 0xfec01000, which the MADT does
 * not name, is never touched.
 */
static void second_entry_at_same_address_refused(void)
{
	struct irq_model m;
	const char *why = "";

	memset(&m, 0, sizeof(m));
	memset(sim, 0, sizeof(sim));
	m.present = true;
	m.ioapic_count = 2;
	m.ioapics[0] = (struct acpi_ioapic){ .id = 0, .address = 0xfec00000, .gsi_base = 0 };
	m.ioapics[1] = (struct acpi_ioapic){ .id = 1, .address = 0xfec00000, .gsi_base = 24 };
	m.override_count = 2;
	m.overrides[0] = (struct acpi_irq_override){ .source = 0, .gsi = 2 };
	m.overrides[1] = (struct acpi_irq_override){
		.source = 11, .gsi = 25, .flags = ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_LOW
	};
	sim[0].phys = 0xfec00000;
	sim[1].phys = 0xfec01000;
	for (unsigned int i = 0; i < CHIPS; i++)
		for (unsigned int pin = 0; pin < INPUTS; pin++)
			sim[i].reg[0x10 + 2 * pin] = 0x50; /* the firmware's, unmasked */

	log_capture_clear();
	printk_add_sink(log_capture_sink, false);
	printk_set_sink_level(log_capture_sink, 7);
	CHECK_EQ(ioapic_init(&m, 0, &why), 0);
	printk_remove_sink(log_capture_sink);

	CHECK(log_captured("irq: I/O APIC 1 at 0xfec00000: I/O APIC 0 is at that address "
			   "already: the MADT lists one chip twice, this entry (GSI base 24) is "
			   "not used"));
	CHECK(ioapic_line_routed(1));
	CHECK_EQ(ioapic_line_gsi(1), 1u);
	CHECK_EQ(entry(0, 1), (uint64_t)(VEC_IRQ_BASE + 1) | MASKED);
	CHECK(ioapic_line_routed(0));
	CHECK_EQ(entry(0, 2), (uint64_t)(VEC_IRQ_BASE + 0) | MASKED);
	CHECK(!ioapic_line_routed(11));
	CHECK_EQ(ioapic_set_masked(11, false), -ENODEV);
	CHECK_EQ(ioapic_set_masked(1, false), 0);
	CHECK_EQ(entry(0, 1), (uint64_t)(VEC_IRQ_BASE + 1));
	for (unsigned int pin = 0; pin < INPUTS; pin++)
		if (pin != 1)
			CHECK(entry(0, pin) & MASKED);
	CHECK_EQ(sim[1].maps, 0u);
	for (unsigned int pin = 0; pin < INPUTS; pin++)
		CHECK_EQ(entry(1, pin), 0x50u);
}

int main(void)
{
	RUN(second_entry_at_same_address_refused);
	return unit_summary();
}
