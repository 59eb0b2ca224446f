// SPDX-License-Identifier: MIT
/*
 * The real 8259 code (src/arch/x86_64/cpu/pic.c) against simulated ports: the two
 * edge/level control registers (ELCR, 0x4d0 for lines 0-7, 0x4d1 for 8-15) as plain
 * read/write bytes, so a bit written where it must not be shows. A line the interrupt
 * model's override says is level-triggered (the ACPI SCI, IRQ 9) gets its bit, the
 * firmware's other bits are kept, and the lines that are edge on every PC (0, 1, 2, 8,
 * 13) never get one. QEMU's SeaBIOS may set the SCI's bit itself, so only here does the
 * old code (which never wrote the ELCR) fail.
 */
#include <lios/errno.h>
#include <string.h>
#include "../../../unit.h"
#include "pic.h"

#define ELCR1 0x4d0
#define ELCR2 0x4d1

static uint8_t elcr[2];
static unsigned elcr_writes;
static uint8_t pic_data[2]; /* OCW1 of master and slave */

uint8_t inb(uint16_t port)
{
	if (port == ELCR1 || port == ELCR2)
		return elcr[port - ELCR1];
	if (port == 0x21 || port == 0xa1)
		return pic_data[port == 0xa1];
	return 0;
}

void outb(uint16_t port, uint8_t v)
{
	if (port == ELCR1 || port == ELCR2) {
		elcr[port - ELCR1] = v;
		elcr_writes++;
	} else if (port == 0x21 || port == 0xa1) {
		pic_data[port == 0xa1] = v;
	}
}

void io_wait(void) {}

static void reset(uint8_t e1, uint8_t e2)
{
	elcr[0] = e1;
	elcr[1] = e2;
	elcr_writes = 0;
}

/* pic_set_level's outcome in one value: 1 the bit set now, 0 already set, or the error. */
static int set_level(unsigned int irq)
{
	bool changed = false;
	int r = pic_set_level(irq, &changed);

	return r < 0 ? r : changed;
}

/* A model whose only override is line 'source' with these MPS flags. */
static struct irq_model one_override(uint8_t source, uint16_t flags)
{
	struct irq_model m;

	memset(&m, 0, sizeof(m));
	m.present = true;
	m.override_count = 1;
	m.overrides[0].source = source;
	m.overrides[0].gsi = source;
	m.overrides[0].flags = flags;
	return m;
}

/* The SCI (IRQ 9, level, active high as QEMU's MADT says): the model calls it level, its
 * bit in the slave's ELCR is set, once; the second call writes nothing. */
static void test_level_line_sets_its_bit(void)
{
	struct irq_model m = one_override(9, ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_HIGH);

	reset(0, 0);
	CHECK(pic_line_level(&m, 9));
	CHECK_EQ(set_level(9), 1);
	CHECK_EQ(elcr[1], 0x02);
	CHECK_EQ(elcr[0], 0x00);
	CHECK_EQ(pic_get_elcr(), 0x0200);
	CHECK_EQ(set_level(9), 0);
	CHECK_EQ(elcr_writes, 1u);
	/* a master line (IRQ 5, a PCI INTx line) lands in the master's register */
	CHECK_EQ(set_level(5), 1);
	CHECK_EQ(elcr[0], 0x20);
	CHECK_EQ(pic_get_elcr(), 0x0220);
}

/* The firmware's bits for other lines (IRQ 10 and 11 level for PCI) are kept. */
static void test_firmware_bits_kept(void)
{
	reset(0x20, 0x0c);
	CHECK_EQ(set_level(9), 1);
	CHECK_EQ(elcr[1], 0x0e);
	CHECK_EQ(elcr[0], 0x20);
}

/* The timer, keyboard, cascade, RTC and FPU error lines are refused, nothing written; a
 * firmware that left the RTC's or FPU error's bit set loses it when a neighbour is set. */
static void test_edge_only_lines_never(void)
{
	static const unsigned int edge[] = { 0, 1, 2, 8, 13 };

	reset(0, 0);
	for (unsigned int i = 0; i < sizeof(edge) / sizeof(edge[0]); i++)
		CHECK_EQ(set_level(edge[i]), -EINVAL);
	CHECK_EQ(set_level(16), -EINVAL);
	CHECK_EQ(elcr_writes, 0u);
	CHECK_EQ(pic_get_elcr(), 0);
	reset(0x07, 0x21);
	CHECK_EQ(set_level(9), 1);
	CHECK_EQ(elcr[1], 0x02);
	CHECK_EQ(set_level(3), 1);
	CHECK_EQ(elcr[0], 0x08);
	/* the SCI's bit already set, beside the RTC's: the RTC's still goes */
	reset(0, 0x03);
	CHECK_EQ(set_level(9), 0);
	CHECK_EQ(elcr[1], 0x02);
	CHECK_EQ(elcr_writes, 1u);
}

/* What the model says: no model, no MADT, an edge or bus-conforming override, another
 * line's override: edge. Only a level override makes a line level, or, without a MADT,
 * the line's bit in isa_level (the SCI of a machine whose ACPI has no MADT). */
static void test_line_level_from_model(void)
{
	struct irq_model m = one_override(9, ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_LOW);

	CHECK(!pic_line_level(NULL, 9));
	CHECK(pic_line_level(&m, 9));
	CHECK(!pic_line_level(&m, 10));
	m.present = false;
	CHECK(!pic_line_level(&m, 9));
	memset(&m, 0, sizeof(m));
	m.isa_level = 1u << 9;
	CHECK(pic_line_level(&m, 9));
	CHECK(!pic_line_level(&m, 10));
	m = one_override(9, ACPI_MPS_TRIGGER_EDGE | ACPI_MPS_POLARITY_HIGH);
	CHECK(!pic_line_level(&m, 9));
	m = one_override(9, ACPI_MPS_TRIGGER_CONFORMS);
	CHECK(!pic_line_level(&m, 9));
	m = one_override(0, 0);
	m.overrides[0].gsi = 2; /* QEMU's timer override, ISA's own edge trigger */
	CHECK(!pic_line_level(&m, 0));
	CHECK(!pic_line_level(&m, 2));
}

/* pic_init leaves the ELCR as the firmware set it (it is not the PICs' to reset). */
static void test_init_keeps_elcr(void)
{
	reset(0x20, 0x0e);
	pic_init(32);
	CHECK_EQ(elcr_writes, 0u);
	CHECK_EQ(pic_get_mask(), (uint16_t) ~(1u << 2));
}

int main(void)
{
	RUN(test_level_line_sets_its_bit);
	RUN(test_firmware_bits_kept);
	RUN(test_edge_only_lines_never);
	RUN(test_line_level_from_model);
	RUN(test_init_keeps_elcr);
	return unit_summary();
}
