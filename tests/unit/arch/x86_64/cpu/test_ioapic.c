// SPDX-License-Identifier: MIT
/*
 * The real I/O APIC code (src/arch/x86_64/cpu/ioapic.c) against an 82093AA and an ICH
 * (ioapic_sim.h) whose firmware left Remote IRR set: a level interrupt it accepted and
 * never ended, which each chip clears only its own way (the 82093AA when the entry is
 * written edge-triggered, the ICH through its EOI register; the 82093AA's offset 0x40
 * decodes nothing, and a write there is counted as a fault).
 *
 * Either way Remote IRR must be cleared only while the entry is masked (an asserted line
 * would otherwise fire at once, before any handler exists). The old code never cleared it:
 * the firmware's SCI entry stayed blocked after LiOS rewrote it, so the power button never
 * reached the kernel.
 */
#include <arch/trap.h>
#include <lios/irq.h>
#include "../../../unit.h"
#include "ioapic_sim.h"

#define INPUTS 24
#define LEVEL IOAPIC_RTE_TRIGGER_LEVEL
#define LOW IOAPIC_RTE_INTPOL_LOW
#define MASKED IOAPIC_RTE_MASKED
#define IRR IOAPIC_RTE_REMOTE_IRR
#define BOOT_CPU 3 /* the boot CPU's APIC ID: not 0, so an entry that drops it shows */
#define DEST ((uint64_t)BOOT_CPU << IOAPIC_RTE_DEST_SHIFT)

/* Two I/O APICs, GSIs 0-23 an 82093AA (version 0x11), 24-47 an ICH (0x20), and QEMU's
 * overrides: IRQ 0 on GSI 2, the SCI (IRQ 9) level, active high. Every other entry is
 * masked, edge, as at reset. */
static struct irq_model machine(void)
{
	struct irq_model m = ioapic_sim_machine();

	ioapic_sim_madt_ioapic(&m, 0, 0xfec00000, 0);
	ioapic_sim_madt_ioapic(&m, 1, 0xfec01000, 24);
	ioapic_sim_madt_override(&m, 0, 2, 0);
	ioapic_sim_madt_override(&m, 9, 9, ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_HIGH);
	ioapic_sim_chip(0, 0xfec00000, 0x11, INPUTS, MASKED);
	ioapic_sim_chip(1, 0xfec01000, 0x20, INPUTS, MASKED);
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

	ioapic_sim_set_rte(0, 9, 0x39 | LEVEL | IRR);
	ioapic_sim_set_rte(0, 19, 0x61 | LEVEL | LOW | MASKED | IRR);
	ioapic_sim_set_rte(1, 3, 0x71 | LEVEL | LOW | IRR);
	ioapic_sim_set_rte(1, 4, 0x72 | MASKED | IRR);
	ioapic_sim_set_rte(1, 5, 0x73 | LEVEL | IRR);
	ioapic_sims[1].stuck[5] = true;
	ioapic_sim_set_rte(1, 7, IOAPIC_RTE_DELMOD_SMI | IRR);

	CHECK_EQ(ioapic_sim_init(&m, BOOT_CPU), 0);

	for (unsigned int i = 0; i < 2; i++) {
		for (unsigned int pin = 0; pin < INPUTS; pin++) {
			bool kept = i == 1 && (pin == 5 || pin == 7);

			bool smi = i == 1 && pin == 7;

			CHECK_EQ(!!(ioapic_sim_rte(i, pin) & MASKED), !smi);
			CHECK_EQ(!!(ioapic_sim_rte(i, pin) & IRR), kept);
		}
		CHECK_EQ(ioapic_sims[i].cleared_unmasked, 0u);
		CHECK_EQ(ioapic_sims[i].faults, 0u);
	}
	CHECK_EQ(ioapic_sims[0].eoi_count, 0u);
	CHECK_EQ(ioapic_sims[1].eoi_count, 3u);
	CHECK_EQ(ioapic_sims[1].eois[0], 0x71);
	CHECK_EQ(ioapic_sims[1].eois[1], 0x72);
	CHECK_EQ(ioapic_sims[1].eois[2], 0x73);

	CHECK_EQ(ioapic_sim_rte(0, 9), (uint64_t)(VEC_IRQ_BASE + 9) | LEVEL | MASKED | DEST);
	CHECK_EQ(ioapic_line_entry(9), (uint64_t)(VEC_IRQ_BASE + 9) | LEVEL | MASKED | DEST);
	CHECK_EQ(ioapic_sim_rte(0, 19), 0x61 | LEVEL | LOW | MASKED);
	CHECK_EQ(ioapic_sim_rte(1, 3), 0x71 | LEVEL | LOW | MASKED);
	CHECK_EQ(ioapic_sim_rte(1, 4), 0x72 | MASKED);
	CHECK_EQ(ioapic_sim_rte(1, 7), IOAPIC_RTE_DELMOD_SMI | IRR);

	/* the ISA lines: IRQ 0 on input 2, the rest on their own number; none on the ICH */
	for (unsigned int irq = 0; irq < 16; irq++) {
		unsigned int gsi = irq == 0 ? 2 : irq;

		if (irq == 2) { /* the cascade: no line */
			CHECK(!ioapic_line_routed(2));
			continue;
		}
		CHECK(ioapic_line_routed(irq));
		CHECK_EQ(ioapic_line_gsi(irq), gsi);
		CHECK_EQ(ioapic_sim_rte(0, gsi),
			 (uint64_t)(VEC_IRQ_BASE + irq) | (irq == 9 ? LEVEL : 0) | MASKED | DEST);
	}
	CHECK_EQ(ioapic_sim_rte(0, 0), MASKED);
	for (unsigned int pin = 0; pin < INPUTS; pin++)
		if (pin < 3 || pin > 7)
			CHECK_EQ(ioapic_sim_rte(1, pin), MASKED);

	CHECK(log_captured("irq: I/O APIC 0 input 9: Remote IRR left set by the firmware "
			   "(vector 57), ended"));
	CHECK(log_captured("irq: I/O APIC 1 input 5: Remote IRR left set by the firmware "
			   "stays set: that input cannot interrupt"));
	CHECK(!log_captured("input 7"));
	CHECK_EQ(ioapic_sim_misuses, 0u);
}

int main(void)
{
	RUN(remote_irr_ended);
	return unit_summary();
}
