// SPDX-License-Identifier: MIT
/*
 * The real I/O APIC code (src/arch/x86_64/cpu/ioapic.c) against an I/O APIC whose IOAPICVER
 * claims more redirection entries than its register window can hold. IOREGSEL is 8 bits
 * wide (82093AA data sheet, 3.1.1): IOREDTBL0-119 fill registers 0x10-0xff, so no I/O APIC
 * has more than 120 inputs, and a maximum redirection entry above 119 is a broken or
 * misdecoded register. Before the fix, ioapic.c took it as said and cut each register
 * number to 8 bits: input 120 became register 0x00 (IOAPICID), 121 IOAPICARB, 128 input 0
 * again. Masking "every input" then wrote into the ID register, and the I/O APIC was listed
 * with 256 inputs, its GSI range reaching over the next I/O APIC's.
 *
 * The simulated chip here is the register file IOREGSEL selects (all 256 numbers), each
 * write counted, and IOAPICVER answering what the case sets.
 */
#include <arch/mmio.h>
#include <arch/trap.h>
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
#define PHYS 0xfec00000u
#define REG_ID 0x00
#define REG_VER 0x01
#define REG_ARB 0x02
#define REDTBL0 0x10
#define INPUTS_MAX 120 /* what an 8-bit IOREGSEL reaches: IOREDTBL119's high dword is 0xff */

static struct {
	uint32_t window[WINDOW_SIZE / 4]; /* the address ioremap hands out; contents unused */
	uint8_t sel;
	uint32_t reg[256];
	unsigned int writes[256];
} chip;

void *ioremap(paddr_t phys, size_t size, unsigned cache)
{
	CHECK_EQ(phys, PHYS);
	CHECK(size >= WINDOW_SIZE);
	CHECK_EQ(cache, PG_CACHE_UC);
	return chip.window;
}

void iounmap(void *p) { (void)p; }

uint64_t irq_save(void) { return 0; }
void irq_restore(uint64_t flags) { (void)flags; }

static unsigned int offset_of(const volatile uint32_t *reg)
{
	CHECK(reg >= chip.window && reg < chip.window + WINDOW_SIZE / 4);
	return (unsigned int)(reg - chip.window) * 4;
}

uint32_t mmio_read32(const volatile uint32_t *reg)
{
	unsigned int off = offset_of(reg);

	if (off == 0x00)
		return chip.sel;
	if (off == 0x10)
		return chip.reg[chip.sel];
	return ~0u;
}

void mmio_write32(volatile uint32_t *reg, uint32_t v)
{
	unsigned int off = offset_of(reg);

	if (off == 0x00) {
		chip.sel = (uint8_t)v; /* the chip decodes 8 bits of IOREGSEL */
	} else if (off == 0x10) {
		chip.reg[chip.sel] = v;
		chip.writes[chip.sel]++;
	}
}

/*
 * One 82093AA-style I/O APIC (version 0x11) at GSI 0 whose IOAPICVER says its highest
 * entry is 255 (256 inputs). Expected: ioapic_init succeeds with 120 inputs (every entry
 * the window reaches) and a warning naming what the register claimed; IOAPICID, IOAPICVER
 * and IOAPICARB are never written; each of the 120 entries' low dwords is masked; the ISA
 * lines are routed as usual (IRQ 0 on GSI 0, input 0).
 */
static void redirection_entries_past_the_window(void)
{
	struct irq_model m;
	const char *why = "";
	unsigned int inputs = 0;
	paddr_t phys = 0;
	uint8_t id = 0xff;

	memset(&m, 0, sizeof(m));
	memset(&chip, 0, sizeof(chip));
	m.present = true;
	m.ioapic_count = 1;
	m.ioapics[0] = (struct acpi_ioapic){ .id = 2, .address = PHYS, .gsi_base = 0 };
	chip.reg[REG_ID] = 2u << 24;
	chip.reg[REG_VER] = 0x11 | 0xffu << 16;

	log_capture_clear();
	printk_add_sink(log_capture_sink, false);
	printk_set_sink_level(log_capture_sink, 7);
	CHECK_EQ(ioapic_init(&m, 0, &why), 0);
	printk_remove_sink(log_capture_sink);

	CHECK(ioapic_describe(0, &id, &phys, &inputs));
	CHECK_EQ(id, 2);
	CHECK_EQ(phys, PHYS);
	CHECK_EQ(inputs, INPUTS_MAX);
	CHECK_EQ(chip.writes[REG_ID], 0u);
	CHECK_EQ(chip.writes[REG_VER], 0u);
	CHECK_EQ(chip.writes[REG_ARB], 0u);
	CHECK_EQ(chip.reg[REG_ID], 2u << 24);
	for (unsigned int pin = 0; pin < INPUTS_MAX; pin++)
		CHECK(chip.reg[REDTBL0 + 2 * pin] & IOAPIC_RTE_MASKED);
	CHECK(ioapic_line_routed(0));
	CHECK_EQ(ioapic_line_gsi(0), 0u);
	CHECK_EQ(chip.reg[REDTBL0] & 0xff, VEC_IRQ_BASE + 0);
	CHECK(log_captured("irq: I/O APIC 2 at 0xfec00000: IOAPICVER claims 256 inputs, more "
			   "than its registers reach: 120 used"));
}

int main(void)
{
	RUN(redirection_entries_past_the_window);
	return unit_summary();
}
