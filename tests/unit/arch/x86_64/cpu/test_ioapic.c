// SPDX-License-Identifier: MIT
/*
 * The real I/O APIC code (src/arch/x86_64/cpu/ioapic.c) against simulated I/O APICs
 * behind its register window (x86_stub/arch/mmio.h): IOREGSEL selects a register, IOWIN
 * reads or writes it, and a redirection table whose Delivery Status and Remote IRR bits
 * are read-only, as the 82093AA and ICH data sheets describe them. Remote IRR, set by the
 * firmware here as a level interrupt it accepted and never ended, is cleared only by
 * what the chip offers:
 *
 * - version 0x11 (82093AA): no EOI register (offset 0x40 decodes nothing; a write there
 *   is counted as a fault); writing the entry edge-triggered clears it, which is how
 *   Linux ends such an interrupt on these I/O APICs;
 * - version 0x20 (ICH and later): the EOI register at 0x40 clears it on every
 *   level-triggered entry whose vector matches the byte written; the data sheet promises
 *   nothing for an edge write, so here it clears nothing.
 *
 * Either way Remote IRR must be cleared only while the entry is masked (an asserted line
 * would otherwise fire at once, before any handler exists). The old code never cleared it:
 * the firmware's SCI entry stayed blocked after LiOS rewrote it, so the power button never
 * reached the kernel.
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
#define INPUTS 24
#define RO_BITS (IOAPIC_RTE_REMOTE_IRR | (1ull << 12)) /* Remote IRR, Delivery Status */
#define LEVEL IOAPIC_RTE_TRIGGER_LEVEL
#define LOW IOAPIC_RTE_INTPOL_LOW
#define MASKED IOAPIC_RTE_MASKED
#define IRR IOAPIC_RTE_REMOTE_IRR
#define BOOT_CPU 3 /* the boot CPU's APIC ID: not 0, so an entry that drops it shows */
#define DEST ((uint64_t)BOOT_CPU << IOAPIC_RTE_DEST_SHIFT)

struct sim_ioapic {
	uint32_t window[WINDOW_SIZE / 4]; /* the address ioremap hands out; contents unused */
	paddr_t phys;
	uint8_t version;
	uint8_t sel; /* IOREGSEL */
	uint64_t rte[INPUTS];
	bool stuck[INPUTS];   /* a broken input: Remote IRR never clears */
	uint8_t eois[INPUTS]; /* bytes written to the EOI register, in order */
	unsigned int eoi_count;
	unsigned int faults;           /* accesses the chip does not decode */
	unsigned int cleared_unmasked; /* Remote IRR cleared while the entry was unmasked */
};

static struct sim_ioapic sims[2];

void *ioremap(paddr_t phys, size_t size, unsigned cache)
{
	CHECK(size >= WINDOW_SIZE);
	CHECK_EQ(cache, PG_CACHE_UC);
	for (unsigned int i = 0; i < 2; i++)
		if (sims[i].phys == phys)
			return sims[i].window;
	CHECK(!"ioremap of an address no I/O APIC has");
	return NULL;
}

void iounmap(void *p) { (void)p; }

uint64_t irq_save(void) { return 0; }
void irq_restore(uint64_t flags) { (void)flags; }

/* Which chip and which byte offset a register pointer falls on. */
static struct sim_ioapic *decode(const volatile uint32_t *reg, unsigned int *offset)
{
	for (unsigned int i = 0; i < 2; i++)
		if (reg >= sims[i].window && reg < sims[i].window + WINDOW_SIZE / 4) {
			*offset = (unsigned int)(reg - sims[i].window) * 4;
			return &sims[i];
		}
	CHECK(!"MMIO access outside every I/O APIC window");
	return NULL;
}

static void clear_irr(struct sim_ioapic *s, unsigned int pin)
{
	if (!(s->rte[pin] & IRR) || s->stuck[pin])
		return;
	if (!(s->rte[pin] & MASKED))
		s->cleared_unmasked++;
	s->rte[pin] &= ~IRR;
}

static uint32_t reg_read(struct sim_ioapic *s)
{
	unsigned int sel = s->sel;

	if (sel == 0x01) /* IOAPICVER: the version, the highest entry in bits 23-16 */
		return s->version | (INPUTS - 1) << 16;
	if (sel >= 0x10 && sel < 0x10 + 2 * INPUTS)
		return (uint32_t)(s->rte[(sel - 0x10) / 2] >> (sel & 1 ? 32 : 0));
	return 0; /* IOAPICID, IOAPICARB and the rest: not used here */
}

static void reg_write(struct sim_ioapic *s, uint32_t v)
{
	unsigned int sel = s->sel, pin = (sel - 0x10) / 2;

	if (sel < 0x10 || sel >= 0x10 + 2 * INPUTS)
		return;
	if (sel & 1) {
		s->rte[pin] = (s->rte[pin] & 0xffffffffull) | (uint64_t)v << 32;
		return;
	}
	s->rte[pin] = (s->rte[pin] & ~0xffffffffull) | (v & ~RO_BITS) | (s->rte[pin] & RO_BITS);
	if (s->version < 0x20 && !(s->rte[pin] & LEVEL))
		clear_irr(s, pin);
}

uint32_t mmio_read32(const volatile uint32_t *reg)
{
	unsigned int off;
	struct sim_ioapic *s = decode(reg, &off);

	if (off == 0x00)
		return s->sel;
	if (off == 0x10)
		return reg_read(s);
	s->faults++;
	return ~0u;
}

void mmio_write32(volatile uint32_t *reg, uint32_t v)
{
	unsigned int off;
	struct sim_ioapic *s = decode(reg, &off);

	if (off == 0x00) {
		s->sel = (uint8_t)v;
	} else if (off == 0x10) {
		reg_write(s, v);
	} else if (off == 0x40 && s->version >= 0x20) {
		if (s->eoi_count < INPUTS)
			s->eois[s->eoi_count] = (uint8_t)v;
		s->eoi_count++;
		for (unsigned int pin = 0; pin < INPUTS; pin++)
			if ((s->rte[pin] & LEVEL) && (uint8_t)s->rte[pin] == (uint8_t)v)
				clear_irr(s, pin);
	} else {
		s->faults++;
	}
}

/* Two I/O APICs, GSIs 0-23 an 82093AA (version 0x11), 24-47 an ICH (0x20), and QEMU's
 * overrides: IRQ 0 on GSI 2, the SCI (IRQ 9) level, active high. Every other entry is
 * masked, edge, as at reset. */
static struct irq_model machine(void)
{
	struct irq_model m;

	memset(&m, 0, sizeof(m));
	memset(sims, 0, sizeof(sims));
	m.present = true;
	m.ioapic_count = 2;
	m.ioapics[0] = (struct acpi_ioapic){ .id = 0, .address = 0xfec00000, .gsi_base = 0 };
	m.ioapics[1] = (struct acpi_ioapic){ .id = 1, .address = 0xfec01000, .gsi_base = 24 };
	m.override_count = 2;
	m.overrides[0] = (struct acpi_irq_override){ .source = 0, .gsi = 2 };
	m.overrides[1] = (struct acpi_irq_override){
		.source = 9, .gsi = 9, .flags = ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_HIGH
	};
	sims[0] = (struct sim_ioapic){ .phys = 0xfec00000, .version = 0x11 };
	sims[1] = (struct sim_ioapic){ .phys = 0xfec01000, .version = 0x20 };
	for (unsigned int i = 0; i < 2; i++)
		for (unsigned int pin = 0; pin < INPUTS; pin++)
			sims[i].rte[pin] = MASKED;
	return m;
}

/*
 * The firmware hands over interrupts it accepted and never ended (Remote IRR set):
 * - 82093AA input 9: the SCI at the firmware's vector 0x39, level, unmasked;
 * - 82093AA input 19: a PCI INTx at 0x61, level, active low, masked;
 * - ICH input 3: a PCI INTx at 0x71, level, active low, unmasked;
 * - ICH input 4: 0x72 left edge with Remote IRR set (undefined, but met);
 * - ICH input 5: 0x73, level, on an input whose Remote IRR never clears;
 * - ICH input 7: an SMI entry, the firmware's own (Linux leaves those alone).
 * Expected after ioapic_init: every entry masked but the SMI one, which is left exactly as
 * the firmware had it; Remote IRR clear everywhere but on the broken input (a warning
 * names it) and the SMI entry; never cleared while unmasked; the
 * 82093AA's offset 0x40 never touched, the ICH's EOI register given 0x71, 0x72 and 0x73
 * (an SMI entry gets none); the SCI's entry rewritten to vector 41, level, masked, ready to
 * be unmasked; the other entries keep the firmware's vector, trigger and polarity.
 * The ISA lines are routed as QEMU's overrides say, each to the boot CPU (APIC ID 3, passed
 * to ioapic_init), masked, vector 32 + line: IRQ 0 on the 82093AA's input 2 (its override),
 * IRQ 9 there on input 9 level, active high (its override's flags), the rest (but 2, the
 * cascade) on the input of their own number, edge, active high; input 0 carries no line
 * and stays as at reset; the ICH has no ISA line.
 */
static void remote_irr_ended(void)
{
	struct irq_model m = machine();
	const char *why = "";

	sims[0].rte[9] = 0x39 | LEVEL | IRR;
	sims[0].rte[19] = 0x61 | LEVEL | LOW | MASKED | IRR;
	sims[1].rte[3] = 0x71 | LEVEL | LOW | IRR;
	sims[1].rte[4] = 0x72 | MASKED | IRR;
	sims[1].rte[5] = 0x73 | LEVEL | IRR;
	sims[1].stuck[5] = true;
	sims[1].rte[7] = IOAPIC_RTE_DELMOD_SMI | IRR;

	log_capture_clear();
	printk_add_sink(log_capture_sink, false);
	printk_set_sink_level(log_capture_sink, 7);
	CHECK_EQ(ioapic_init(&m, BOOT_CPU, &why), 0);
	printk_remove_sink(log_capture_sink);

	for (unsigned int i = 0; i < 2; i++) {
		for (unsigned int pin = 0; pin < INPUTS; pin++) {
			bool kept = i == 1 && (pin == 5 || pin == 7);

			bool smi = i == 1 && pin == 7;

			CHECK_EQ(!!(sims[i].rte[pin] & MASKED), !smi);
			CHECK_EQ(!!(sims[i].rte[pin] & IRR), kept);
		}
		CHECK_EQ(sims[i].cleared_unmasked, 0u);
		CHECK_EQ(sims[i].faults, 0u);
	}
	CHECK_EQ(sims[0].eoi_count, 0u);
	CHECK_EQ(sims[1].eoi_count, 3u);
	CHECK_EQ(sims[1].eois[0], 0x71);
	CHECK_EQ(sims[1].eois[1], 0x72);
	CHECK_EQ(sims[1].eois[2], 0x73);

	CHECK_EQ(sims[0].rte[9], (uint64_t)(VEC_IRQ_BASE + 9) | LEVEL | MASKED | DEST);
	CHECK_EQ(ioapic_line_entry(9), (uint64_t)(VEC_IRQ_BASE + 9) | LEVEL | MASKED | DEST);
	CHECK_EQ(sims[0].rte[19], 0x61 | LEVEL | LOW | MASKED);
	CHECK_EQ(sims[1].rte[3], 0x71 | LEVEL | LOW | MASKED);
	CHECK_EQ(sims[1].rte[4], 0x72 | MASKED);
	CHECK_EQ(sims[1].rte[7], IOAPIC_RTE_DELMOD_SMI | IRR);

	/* the ISA lines: IRQ 0 on input 2, the rest on their own number; none on the ICH */
	for (unsigned int irq = 0; irq < 16; irq++) {
		unsigned int gsi = irq == 0 ? 2 : irq;

		if (irq == 2) { /* the cascade: no line */
			CHECK(!ioapic_line_routed(2));
			continue;
		}
		CHECK(ioapic_line_routed(irq));
		CHECK_EQ(ioapic_line_gsi(irq), gsi);
		CHECK_EQ(sims[0].rte[gsi],
			 (uint64_t)(VEC_IRQ_BASE + irq) | (irq == 9 ? LEVEL : 0) | MASKED | DEST);
	}
	CHECK_EQ(sims[0].rte[0], MASKED);
	for (unsigned int pin = 0; pin < INPUTS; pin++)
		if (pin < 3 || pin > 7)
			CHECK_EQ(sims[1].rte[pin], MASKED);

	CHECK(log_captured("irq: I/O APIC 0 input 9: Remote IRR left set by the firmware "
			   "(vector 57), ended"));
	CHECK(log_captured("irq: I/O APIC 1 input 5: Remote IRR left set by the firmware "
			   "stays set: that input cannot interrupt"));
	CHECK(!log_captured("input 7"));
}

int main(void)
{
	RUN(remote_irr_ended);
	return unit_summary();
}
