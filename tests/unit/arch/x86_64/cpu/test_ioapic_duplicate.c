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
 * The simulated chips (ioapic_sim.h) are found by their physical address, so both
 * entries of one address reach the same registers, as on a machine.
 */
#include <arch/trap.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include "../../../unit.h"
#include "ioapic_sim.h"

#define INPUTS 24
#define MASKED IOAPIC_RTE_MASKED

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
 * not name, is never touched. The refused entry is never mapped: the chip has one mapping,
 * the first entry's, still in place (IRQ 1 is unmasked through it), one I/O APIC is in use
 * and the boot line names it alone. Before this, the second entry mapped the chip again,
 * kept the mapping, and the line said "(and more I/O APICs)".
 */
static void second_entry_at_same_address_refused(void)
{
	struct irq_model m = ioapic_sim_machine();
	char line[96];
	uint8_t id = 0xff;
	paddr_t phys;
	unsigned int inputs;

	ioapic_sim_madt_ioapic(&m, 0, 0xfec00000, 0);
	ioapic_sim_madt_ioapic(&m, 1, 0xfec00000, 24);
	ioapic_sim_madt_override(&m, 0, 2, 0);
	ioapic_sim_madt_override(&m, 11, 25, ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_LOW);
	/* every entry the firmware's, unmasked */
	ioapic_sim_chip(0, 0xfec00000, 0x20, INPUTS, 0x50);
	ioapic_sim_chip(1, 0xfec01000, 0x20, INPUTS, 0x50);

	CHECK_EQ(ioapic_sim_init(&m, 0), 0);

	CHECK(log_captured("irq: I/O APIC 1 at 0xfec00000: I/O APIC 0 is at that address "
			   "already: the MADT lists one chip twice, this entry (GSI base 24) is "
			   "not used"));
	CHECK(ioapic_line_routed(1));
	CHECK_EQ(ioapic_line_gsi(1), 1u);
	CHECK_EQ(ioapic_sim_rte(0, 1), (uint64_t)(VEC_IRQ_BASE + 1) | MASKED);
	CHECK(ioapic_line_routed(0));
	CHECK_EQ(ioapic_sim_rte(0, 2), (uint64_t)(VEC_IRQ_BASE + 0) | MASKED);
	CHECK(!ioapic_line_routed(11));
	CHECK_EQ(ioapic_set_masked(11, false), -ENODEV);
	CHECK_EQ(ioapic_set_masked(1, false), 0);
	CHECK_EQ(ioapic_sim_rte(0, 1), (uint64_t)(VEC_IRQ_BASE + 1));
	for (unsigned int pin = 0; pin < INPUTS; pin++)
		if (pin != 1)
			CHECK(ioapic_sim_rte(0, pin) & MASKED);
	CHECK_EQ(ioapic_sims[1].maps, 0u);
	for (unsigned int pin = 0; pin < INPUTS; pin++)
		CHECK_EQ(ioapic_sim_rte(1, pin), 0x50u);

	CHECK_EQ(ioapic_sims[0].maps, 1u);
	CHECK_EQ(ioapic_sim_mapped(0), 1u);
	CHECK(ioapic_describe(0, &id, &phys, &inputs));
	CHECK_EQ(id, 0u);
	CHECK(!ioapic_describe(1, &id, &phys, &inputs));
	ioapic_summary(line, sizeof(line));
	CHECK_STR_EQ(line, "I/O APIC 0 at 0xfec00000, 24 lines");
	CHECK_EQ(ioapic_sim_misuses, 0u);
}

int main(void)
{
	RUN(second_entry_at_same_address_refused);
	return unit_summary();
}
