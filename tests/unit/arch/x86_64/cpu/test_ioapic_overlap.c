// SPDX-License-Identifier: MIT
/*
 * The real I/O APIC code (src/arch/x86_64/cpu/ioapic.c) against a MADT whose I/O APICs
 * claim overlapping GSI ranges. ACPI gives each I/O APIC the GSIs [GSI base, GSI base +
 * inputs) and says they are uniquely associated with its inputs; two ranges that overlap
 * mean the table is wrong about one of them, and which GSI reaches which input is then
 * unknown. Linux refuses an I/O APIC whose range overlaps one registered before it
 * (mp_register_ioapic: "GSI range ... for new IOAPIC conflicts with ..."). Before the
 * fix LiOS took both silently and routed each GSI to the first I/O APIC holding it, and a
 * GSI only the later one held went to that later, suspect, I/O APIC.
 *
 * The simulated chips are register files behind IOREGSEL/IOWIN, each with the number of
 * inputs its IOAPICVER reports.
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

#define WINDOW_SIZE 0x44 /* IOREGSEL at 0, IOWIN at 0x10, EOI at 0x40 */
#define CHIPS 4
#define INPUTS_MAX 24
#define MASKED IOAPIC_RTE_MASKED

struct sim_chip {
	uint32_t window[WINDOW_SIZE / 4]; /* the address ioremap hands out; contents unused */
	paddr_t phys;
	unsigned int inputs;
	uint8_t sel;
	uint32_t reg[0x10 + 2 * INPUTS_MAX];
};

static struct sim_chip chips[CHIPS];

void *ioremap(paddr_t phys, size_t size, unsigned cache)
{
	CHECK(size >= WINDOW_SIZE);
	CHECK_EQ(cache, PG_CACHE_UC);
	for (unsigned int i = 0; i < CHIPS; i++)
		if (chips[i].phys == phys)
			return chips[i].window;
	CHECK(!"ioremap of an address no I/O APIC has");
	return NULL;
}

void iounmap(void *p) { (void)p; }

uint64_t irq_save(void) { return 0; }
void irq_restore(uint64_t flags) { (void)flags; }

static struct sim_chip *decode(const volatile uint32_t *reg, unsigned int *offset)
{
	for (unsigned int i = 0; i < CHIPS; i++)
		if (reg >= chips[i].window && reg < chips[i].window + WINDOW_SIZE / 4) {
			*offset = (unsigned int)(reg - chips[i].window) * 4;
			return &chips[i];
		}
	CHECK(!"MMIO access outside every I/O APIC window");
	return &chips[0];
}

uint32_t mmio_read32(const volatile uint32_t *reg)
{
	unsigned int off;
	struct sim_chip *c = decode(reg, &off);

	if (off == 0x00)
		return c->sel;
	if (off != 0x10)
		return ~0u;
	if (c->sel == 0x01) /* IOAPICVER: version 0x20, the highest entry in bits 23-16 */
		return 0x20 | (c->inputs - 1) << 16;
	return c->sel < 0x10 + 2 * c->inputs ? c->reg[c->sel] : 0;
}

void mmio_write32(volatile uint32_t *reg, uint32_t v)
{
	unsigned int off;
	struct sim_chip *c = decode(reg, &off);

	if (off == 0x00)
		c->sel = (uint8_t)v;
	else if (off == 0x10 && c->sel >= 0x10 && c->sel < 0x10 + 2 * c->inputs)
		c->reg[c->sel] = v;
}

/* Entry pin of chip i, both dwords. */
static uint64_t rte(unsigned int i, unsigned int pin)
{
	return chips[i].reg[0x10 + 2 * pin] | (uint64_t)chips[i].reg[0x11 + 2 * pin] << 32;
}

/*
 * Four I/O APICs in MADT order:
 *   0: ID 0 at 0xfec00000, GSI base 2, 8 inputs: GSIs 2-9;
 *   1: ID 1 at 0xfec01000, GSI base 0, 24 inputs: GSIs 0-23, around all of I/O APIC 0's
 *      (a check that only looks at the new range's two ends, as Linux's does, misses it);
 *   2: ID 2 at 0xfec02000, GSI base 16, 24 inputs: GSIs 16-39, overlapping only I/O APIC
 *      1's, which is refused, so nothing in use;
 *   3: ID 3 at 0xfec03000, GSI base 36, 8 inputs: GSIs 36-43, over I/O APIC 2's end.
 * Overrides: IRQ 0 -> GSI 2, the SCI IRQ 9 -> GSI 9 level, IRQ 11 -> GSI 20 level low,
 * IRQ 13 -> GSI 40. The firmware left every entry unmasked with vector 0x50.
 * Expected: I/O APICs 1 and 3 are refused, each with a warning naming both ranges; their
 * inputs are all masked (every input of every I/O APIC is) and none gets a LiOS entry;
 * IRQ 0 goes to I/O APIC 0 input 0, IRQ 9 to its input 7, IRQ 11 to I/O APIC 2 input 4
 * (not to I/O APIC 1's input 20); IRQ 1 (GSI 1), IRQ 12 (GSI 12) and IRQ 13 (GSI 40),
 * which only refused I/O APICs claimed, have no input and cannot be unmasked.
 */
static void later_overlapping_ioapic_refused(void)
{
	struct irq_model m;
	const char *why = "";

	memset(&m, 0, sizeof(m));
	memset(chips, 0, sizeof(chips));
	m.present = true;
	m.ioapic_count = CHIPS;
	m.ioapics[0] = (struct acpi_ioapic){ .id = 0, .address = 0xfec00000, .gsi_base = 2 };
	m.ioapics[1] = (struct acpi_ioapic){ .id = 1, .address = 0xfec01000, .gsi_base = 0 };
	m.ioapics[2] = (struct acpi_ioapic){ .id = 2, .address = 0xfec02000, .gsi_base = 16 };
	m.ioapics[3] = (struct acpi_ioapic){ .id = 3, .address = 0xfec03000, .gsi_base = 36 };
	m.override_count = 4;
	m.overrides[0] = (struct acpi_irq_override){ .source = 0, .gsi = 2 };
	m.overrides[1] = (struct acpi_irq_override){
		.source = 9, .gsi = 9, .flags = ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_HIGH
	};
	m.overrides[2] = (struct acpi_irq_override){
		.source = 11, .gsi = 20, .flags = ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_LOW
	};
	m.overrides[3] = (struct acpi_irq_override){ .source = 13, .gsi = 40 };
	chips[0] = (struct sim_chip){ .phys = 0xfec00000, .inputs = 8 };
	chips[1] = (struct sim_chip){ .phys = 0xfec01000, .inputs = 24 };
	chips[2] = (struct sim_chip){ .phys = 0xfec02000, .inputs = 24 };
	chips[3] = (struct sim_chip){ .phys = 0xfec03000, .inputs = 8 };
	for (unsigned int i = 0; i < CHIPS; i++)
		for (unsigned int pin = 0; pin < chips[i].inputs; pin++)
			chips[i].reg[0x10 + 2 * pin] = 0x50;

	log_capture_clear();
	printk_add_sink(log_capture_sink, false);
	printk_set_sink_level(log_capture_sink, 7);
	CHECK_EQ(ioapic_init(&m, 0, &why), 0);
	printk_remove_sink(log_capture_sink);

	CHECK(log_captured("irq: I/O APIC 1 at 0xfec01000: GSIs 0-23 overlap I/O APIC 0's "
			   "2-9: the MADT is wrong, its inputs stay masked and unused"));
	CHECK(log_captured("irq: I/O APIC 3 at 0xfec03000: GSIs 36-43 overlap I/O APIC 2's "
			   "16-39: the MADT is wrong, its inputs stay masked and unused"));
	CHECK(!log_captured("I/O APIC 2 at"));
	for (unsigned int i = 0; i < CHIPS; i++)
		for (unsigned int pin = 0; pin < chips[i].inputs; pin++)
			CHECK(rte(i, pin) & MASKED);
	for (unsigned int pin = 0; pin < chips[1].inputs; pin++)
		CHECK_EQ(rte(1, pin) & IOAPIC_RTE_VECTOR_MASK, 0x50);
	for (unsigned int pin = 0; pin < chips[3].inputs; pin++)
		CHECK_EQ(rte(3, pin) & IOAPIC_RTE_VECTOR_MASK, 0x50);

	CHECK(ioapic_line_routed(0));
	CHECK_EQ(rte(0, 0) & IOAPIC_RTE_VECTOR_MASK, VEC_IRQ_BASE + 0);
	CHECK(ioapic_line_routed(9));
	CHECK_EQ(rte(0, 7), (uint64_t)(VEC_IRQ_BASE + 9) | IOAPIC_RTE_TRIGGER_LEVEL | MASKED);
	CHECK(ioapic_line_routed(11));
	CHECK_EQ(ioapic_line_gsi(11), 20u);
	CHECK_EQ(rte(2, 4), (uint64_t)(VEC_IRQ_BASE + 11) | IOAPIC_RTE_TRIGGER_LEVEL |
				    IOAPIC_RTE_INTPOL_LOW | MASKED);
	CHECK(!ioapic_line_routed(1));
	CHECK(!ioapic_line_routed(12));
	CHECK(!ioapic_line_routed(13));
	CHECK_EQ(ioapic_set_masked(1, false), -ENODEV);
	CHECK_EQ(ioapic_set_masked(12, false), -ENODEV);
	CHECK_EQ(ioapic_set_masked(13, false), -ENODEV);
	for (unsigned int pin = 0; pin < chips[1].inputs; pin++)
		CHECK(rte(1, pin) & MASKED);
	for (unsigned int pin = 0; pin < chips[3].inputs; pin++)
		CHECK(rte(3, pin) & MASKED);
}

int main(void)
{
	RUN(later_overlapping_ioapic_refused);
	return unit_summary();
}
