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
 * The simulated chips (ioapic_sim.h) are ICHs (version 0x20), each with the number of
 * inputs its IOAPICVER reports.
 */
#include <arch/trap.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include "../../../unit.h"
#include "ioapic_sim.h"

#define CHIPS 4
#define MASKED IOAPIC_RTE_MASKED

/* The i-th I/O APIC in use (what the boot line counts) is MADT ID id, at phys, with inputs;
 * id < 0: there is no i-th. */
static void check_in_use(unsigned int i, int id, paddr_t phys, unsigned int inputs)
{
	uint8_t got_id = 0xff;
	paddr_t got_phys = 0;
	unsigned int got_inputs = 0;

	CHECK_EQ(ioapic_describe(i, &got_id, &got_phys, &got_inputs), id >= 0);
	if (id < 0)
		return;
	CHECK_EQ(got_id, id);
	CHECK_EQ(got_phys, phys);
	CHECK_EQ(got_inputs, inputs);
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
 * which only refused I/O APICs claimed, have no input and cannot be unmasked. The
 * refused chips were mapped to be sized and masked, and are unmapped again; only I/O APICs
 * 0 and 2 are in use: described as the first and second, and the boot line names I/O APIC
 * 0 "(and 1 more I/O APIC)". IRQ 11 is unmasked on I/O APIC 2 through its mapping. Before
 * the fix a refused chip stayed mapped and counted ("(and more I/O APICs)" from all four).
 */
static void later_overlapping_ioapic_refused(void)
{
	struct irq_model m = ioapic_sim_machine();
	char line[96];

	ioapic_sim_madt_ioapic(&m, 0, 0xfec00000, 2);
	ioapic_sim_madt_ioapic(&m, 1, 0xfec01000, 0);
	ioapic_sim_madt_ioapic(&m, 2, 0xfec02000, 16);
	ioapic_sim_madt_ioapic(&m, 3, 0xfec03000, 36);
	ioapic_sim_madt_override(&m, 0, 2, 0);
	ioapic_sim_madt_override(&m, 9, 9, ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_HIGH);
	ioapic_sim_madt_override(&m, 11, 20, ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_LOW);
	ioapic_sim_madt_override(&m, 13, 40, 0);
	ioapic_sim_chip(0, 0xfec00000, 0x20, 8, 0x50);
	ioapic_sim_chip(1, 0xfec01000, 0x20, 24, 0x50);
	ioapic_sim_chip(2, 0xfec02000, 0x20, 24, 0x50);
	ioapic_sim_chip(3, 0xfec03000, 0x20, 8, 0x50);

	CHECK_EQ(ioapic_sim_init(&m, 0), 0);

	CHECK(log_captured("irq: I/O APIC 1 at 0xfec01000: GSIs 0-23 overlap I/O APIC 0's "
			   "2-9: the MADT is wrong, its inputs stay masked and unused"));
	CHECK(log_captured("irq: I/O APIC 3 at 0xfec03000: GSIs 36-43 overlap I/O APIC 2's "
			   "16-39: the MADT is wrong, its inputs stay masked and unused"));
	CHECK(!log_captured("I/O APIC 2 at"));
	for (unsigned int i = 0; i < CHIPS; i++)
		for (unsigned int pin = 0; pin < ioapic_sims[i].inputs; pin++)
			CHECK(ioapic_sim_rte(i, pin) & MASKED);
	for (unsigned int pin = 0; pin < ioapic_sims[1].inputs; pin++)
		CHECK_EQ(ioapic_sim_rte(1, pin) & IOAPIC_RTE_VECTOR_MASK, 0x50);
	for (unsigned int pin = 0; pin < ioapic_sims[3].inputs; pin++)
		CHECK_EQ(ioapic_sim_rte(3, pin) & IOAPIC_RTE_VECTOR_MASK, 0x50);

	CHECK(ioapic_line_routed(0));
	CHECK_EQ(ioapic_sim_rte(0, 0) & IOAPIC_RTE_VECTOR_MASK, VEC_IRQ_BASE + 0);
	CHECK(ioapic_line_routed(9));
	CHECK_EQ(ioapic_sim_rte(0, 7),
		 (uint64_t)(VEC_IRQ_BASE + 9) | IOAPIC_RTE_TRIGGER_LEVEL | MASKED);
	CHECK(ioapic_line_routed(11));
	CHECK_EQ(ioapic_line_gsi(11), 20u);
	CHECK_EQ(ioapic_sim_rte(2, 4), (uint64_t)(VEC_IRQ_BASE + 11) | IOAPIC_RTE_TRIGGER_LEVEL |
					       IOAPIC_RTE_INTPOL_LOW | MASKED);
	CHECK(!ioapic_line_routed(1));
	CHECK(!ioapic_line_routed(12));
	CHECK(!ioapic_line_routed(13));
	CHECK_EQ(ioapic_set_masked(1, false), -ENODEV);
	CHECK_EQ(ioapic_set_masked(12, false), -ENODEV);
	CHECK_EQ(ioapic_set_masked(13, false), -ENODEV);
	for (unsigned int pin = 0; pin < ioapic_sims[1].inputs; pin++)
		CHECK(ioapic_sim_rte(1, pin) & MASKED);
	for (unsigned int pin = 0; pin < ioapic_sims[3].inputs; pin++)
		CHECK(ioapic_sim_rte(3, pin) & MASKED);

	CHECK_EQ(ioapic_sim_mapped(0), 1u);
	CHECK_EQ(ioapic_sim_mapped(1), 0u);
	CHECK_EQ(ioapic_sims[1].maps, 1u);
	CHECK_EQ(ioapic_sim_mapped(2), 1u);
	CHECK_EQ(ioapic_sim_mapped(3), 0u);
	CHECK_EQ(ioapic_sims[3].maps, 1u);
	check_in_use(0, 0, 0xfec00000, 8);
	check_in_use(1, 2, 0xfec02000, 24);
	check_in_use(2, -1, 0, 0);
	ioapic_summary(line, sizeof(line));
	CHECK_STR_EQ(line, "I/O APIC 0 at 0xfec00000, 8 lines (and 1 more I/O APIC)");
	CHECK_EQ(ioapic_set_masked(11, false), 0);
	CHECK(!(ioapic_sim_rte(2, 4) & MASKED));
	CHECK_EQ(ioapic_sim_misuses, 0u);
}

int main(void)
{
	RUN(later_overlapping_ioapic_refused);
	return unit_summary();
}
