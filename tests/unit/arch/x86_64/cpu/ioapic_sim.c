// SPDX-License-Identifier: MIT
/*
 * The simulated I/O APICs of ioapic_sim.h: the host world ioapic.c runs in (ioremap of a
 * chip's window, the MMIO accesses decoded by the window they fall in, interrupts that need
 * no disabling), each chip's registers behind IOREGSEL/IOWIN and its EOI register, and the
 * MADT a test builds for them.
 */
#include <arch/mmio.h>
#include <arch/trap.h>
#include <lios/paging.h>
#include <lios/vmalloc.h>
#include <stdio.h>
#include <string.h>
#include "ioapic_sim.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define EOI 0x40
#define VERSION_EOI 0x20                               /* the first version with an EOI register */
#define RO_BITS (IOAPIC_RTE_REMOTE_IRR | (1ull << 12)) /* Remote IRR, Delivery Status */

struct ioapic_sim ioapic_sims[IOAPIC_SIM_CHIPS];
unsigned int ioapic_sim_misuses;

static void misuse(const char *what)
{
	fprintf(stderr, "  ioapic_sim: %s\n", what);
	ioapic_sim_misuses++;
}

void *ioremap(paddr_t phys, size_t size, unsigned cache)
{
	if (size < IOAPIC_SIM_WINDOW)
		misuse("ioremap smaller than an I/O APIC's window");
	if (cache != PG_CACHE_UC)
		misuse("ioremap of an I/O APIC that is not uncached");
	for (unsigned int i = 0; i < IOAPIC_SIM_CHIPS; i++)
		if (ioapic_sims[i].phys && ioapic_sims[i].phys == phys) {
			ioapic_sims[i].maps++;
			return ioapic_sims[i].window;
		}
	misuse("ioremap of an address no I/O APIC has");
	return NULL;
}

void iounmap(void *p)
{
	for (unsigned int i = 0; i < IOAPIC_SIM_CHIPS; i++)
		if (ioapic_sims[i].phys && p == ioapic_sims[i].window) {
			if (!ioapic_sim_mapped(i))
				break;
			ioapic_sims[i].unmaps++;
			return;
		}
	misuse("iounmap of no mapped I/O APIC window");
}

unsigned int ioapic_sim_mapped(unsigned int i)
{
	return ioapic_sims[i].maps - ioapic_sims[i].unmaps;
}

uint64_t irq_save(void) { return 0; }
void irq_restore(uint64_t flags) { (void)flags; }

/* Which chip and which byte offset a register pointer falls on; NULL (a misuse) for none. */
static struct ioapic_sim *decode(const volatile uint32_t *reg, unsigned int *offset)
{
	for (unsigned int i = 0; i < IOAPIC_SIM_CHIPS; i++) {
		struct ioapic_sim *s = &ioapic_sims[i];

		if (s->phys && s->maps > s->unmaps && reg >= s->window &&
		    reg < s->window + IOAPIC_SIM_WINDOW / 4) {
			*offset = (unsigned int)(reg - s->window) * 4;
			return s;
		}
	}
	misuse("MMIO access outside every mapped I/O APIC window");
	return NULL;
}

/* The redirection entries registers 0x10-0xff hold of those IOAPICVER claims. */
static unsigned int entries(const struct ioapic_sim *s)
{
	return s->inputs < IOAPIC_SIM_INPUTS_MAX ? s->inputs : IOAPIC_SIM_INPUTS_MAX;
}

static bool in_table(const struct ioapic_sim *s, unsigned int sel)
{
	return sel >= IOAPIC_SIM_REDTBL(0) && sel < IOAPIC_SIM_REDTBL(entries(s));
}

static void clear_irr(struct ioapic_sim *s, unsigned int pin)
{
	uint32_t *lo = &s->reg[IOAPIC_SIM_REDTBL(pin)];

	if (!(*lo & IOAPIC_RTE_REMOTE_IRR) || s->stuck[pin])
		return;
	if (!(*lo & IOAPIC_RTE_MASKED))
		s->cleared_unmasked++;
	*lo &= ~(uint32_t)IOAPIC_RTE_REMOTE_IRR;
}

static uint32_t reg_read(const struct ioapic_sim *s)
{
	if (s->sel == IOAPIC_SIM_REG_VER) /* the version, the highest entry in bits 23-16 */
		return s->version | ((s->inputs - 1) & 0xffu) << 16;
	if (s->sel < IOAPIC_SIM_REDTBL(0) || in_table(s, s->sel))
		return s->reg[s->sel];
	return 0;
}

static void reg_write(struct ioapic_sim *s, uint32_t v)
{
	unsigned int sel = s->sel, pin = (sel - IOAPIC_SIM_REDTBL(0)) / 2;

	s->writes[sel]++;
	if (sel == IOAPIC_SIM_REG_ID)
		s->reg[sel] = v;
	if (!in_table(s, sel))
		return; /* IOAPICVER, IOAPICARB: read-only; past the table: nothing */
	if (sel & 1) {
		s->reg[sel] = v;
		return;
	}
	s->reg[sel] = (v & ~(uint32_t)RO_BITS) | (s->reg[sel] & (uint32_t)RO_BITS);
	if (s->version < VERSION_EOI && !(s->reg[sel] & IOAPIC_RTE_TRIGGER_LEVEL))
		clear_irr(s, pin);
}

/* The EOI register: ends Remote IRR on every level-triggered entry of that vector. */
static void eoi_write(struct ioapic_sim *s, uint8_t vector)
{
	if (s->eoi_count < IOAPIC_SIM_INPUTS_MAX)
		s->eois[s->eoi_count] = vector;
	s->eoi_count++;
	for (unsigned int pin = 0; pin < entries(s); pin++) {
		uint32_t lo = s->reg[IOAPIC_SIM_REDTBL(pin)];

		if ((lo & IOAPIC_RTE_TRIGGER_LEVEL) && (uint8_t)lo == vector)
			clear_irr(s, pin);
	}
}

uint32_t mmio_read32(const volatile uint32_t *reg)
{
	unsigned int off;
	struct ioapic_sim *s = decode(reg, &off);

	if (!s)
		return ~0u;
	if (off == IOREGSEL)
		return s->sel;
	if (off == IOWIN)
		return reg_read(s);
	s->faults++;
	return ~0u;
}

void mmio_write32(volatile uint32_t *reg, uint32_t v)
{
	unsigned int off;
	struct ioapic_sim *s = decode(reg, &off);

	if (!s)
		return;
	if (off == IOREGSEL)
		s->sel = (uint8_t)v; /* the chip decodes 8 bits of IOREGSEL */
	else if (off == IOWIN)
		reg_write(s, v);
	else if (off == EOI && s->version >= VERSION_EOI)
		eoi_write(s, (uint8_t)v);
	else
		s->faults++;
}

struct irq_model ioapic_sim_machine(void)
{
	struct irq_model m;

	memset(&m, 0, sizeof(m));
	memset(ioapic_sims, 0, sizeof(ioapic_sims));
	ioapic_sim_misuses = 0;
	m.present = true;
	return m;
}

struct ioapic_sim *ioapic_sim_chip(unsigned int i, paddr_t phys, uint8_t version,
				   unsigned int inputs, uint64_t entry)
{
	struct ioapic_sim *s = &ioapic_sims[i];

	memset(s, 0, sizeof(*s));
	s->phys = phys;
	s->version = version;
	s->inputs = inputs;
	for (unsigned int pin = 0; pin < entries(s); pin++)
		ioapic_sim_set_rte(i, pin, entry);
	return s;
}

void ioapic_sim_madt_ioapic(struct irq_model *m, uint8_t id, uint32_t address, uint32_t gsi_base)
{
	m->ioapics[m->ioapic_count++] =
		(struct acpi_ioapic){ .id = id, .address = address, .gsi_base = gsi_base };
}

void ioapic_sim_madt_override(struct irq_model *m, uint8_t source, uint32_t gsi, uint16_t flags)
{
	m->overrides[m->override_count++] =
		(struct acpi_irq_override){ .source = source, .gsi = gsi, .flags = flags };
}

uint64_t ioapic_sim_rte(unsigned int i, unsigned int pin)
{
	const uint32_t *r = &ioapic_sims[i].reg[IOAPIC_SIM_REDTBL(pin)];

	return r[0] | (uint64_t)r[1] << 32;
}

void ioapic_sim_set_rte(unsigned int i, unsigned int pin, uint64_t v)
{
	uint32_t *r = &ioapic_sims[i].reg[IOAPIC_SIM_REDTBL(pin)];

	r[0] = (uint32_t)v;
	r[1] = (uint32_t)(v >> 32);
}
