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
 * The simulated chip (ioapic_sim.h) is the register file IOREGSEL selects (all 256
 * numbers), each write counted, and IOAPICVER answering what the case sets.
 */
#include <arch/trap.h>
#include <lios/irq.h>
#include "../../../unit.h"
#include "ioapic_sim.h"

#define PHYS 0xfec00000u
#define INPUTS_MAX 120 /* what an 8-bit IOREGSEL reaches: IOREDTBL119's high dword is 0xff */

/*
 * One 82093AA-style I/O APIC (version 0x11) at GSI 0 whose IOAPICVER says its highest
 * entry is 255 (256 inputs). Expected: ioapic_init succeeds with 120 inputs (every entry
 * the window reaches) and a warning naming what the register claimed; IOAPICID, IOAPICVER
 * and IOAPICARB are never written; each of the 120 entries' low dwords is masked; the ISA
 * lines are routed as usual (IRQ 0 on GSI 0, input 0).
 */
static void redirection_entries_past_the_window(void)
{
	struct irq_model m = ioapic_sim_machine();
	struct ioapic_sim *chip = ioapic_sim_chip(0, PHYS, 0x11, 256, 0);
	unsigned int inputs = 0;
	paddr_t phys = 0;
	uint8_t id = 0xff;

	ioapic_sim_madt_ioapic(&m, 2, PHYS, 0);
	chip->reg[IOAPIC_SIM_REG_ID] = 2u << 24;

	CHECK_EQ(ioapic_sim_init(&m, 0), 0);

	CHECK(ioapic_describe(0, &id, &phys, &inputs));
	CHECK_EQ(id, 2);
	CHECK_EQ(phys, PHYS);
	CHECK_EQ(inputs, INPUTS_MAX);
	CHECK_EQ(chip->writes[IOAPIC_SIM_REG_ID], 0u);
	CHECK_EQ(chip->writes[IOAPIC_SIM_REG_VER], 0u);
	CHECK_EQ(chip->writes[IOAPIC_SIM_REG_ARB], 0u);
	CHECK_EQ(chip->reg[IOAPIC_SIM_REG_ID], 2u << 24);
	for (unsigned int pin = 0; pin < INPUTS_MAX; pin++)
		CHECK(ioapic_sim_rte(0, pin) & IOAPIC_RTE_MASKED);
	CHECK(ioapic_line_routed(0));
	CHECK_EQ(ioapic_line_gsi(0), 0u);
	CHECK_EQ(ioapic_sim_rte(0, 0) & 0xff, VEC_IRQ_BASE + 0);
	CHECK(log_captured("irq: I/O APIC 2 at 0xfec00000: IOAPICVER claims 256 inputs, more "
			   "than its registers reach: 120 used"));
	CHECK_EQ(ioapic_sim_misuses, 0u);
}

int main(void)
{
	RUN(redirection_entries_past_the_window);
	return unit_summary();
}
