/* SPDX-License-Identifier: MIT */
/*
 * Simulated I/O APICs for host tests of the real I/O APIC code (src/arch/x86_64/cpu/ioapic.c:
 * test_ioapic, test_ioapic_window, test_ioapic_overlap, test_ioapic_duplicate), and the MADT
 * that lists them. ioapic_sim.c defines what ioapic.c calls to reach them: ioremap (a chip
 * is found by its physical address, so two MADT entries of one address reach one chip, as
 * on a machine), mmio_read32/mmio_write32 (x86_stub/arch/mmio.h), irq_save/irq_restore.
 *
 * Each chip is the register file an 8-bit IOREGSEL selects (all 256 numbers, each write
 * counted) behind its window: IOREGSEL at 0, IOWIN at 0x10, the EOI register at 0x40.
 * IOAPICVER answers the chip's version and its inputs - 1 (up to 256 inputs claimed), and
 * ignores writes, as IOAPICARB does; IOAPICID keeps what is written. The redirection table
 * holds the entries of its inputs that registers 0x10-0xff reach (at most 120); the
 * registers past it read 0 and ignore writes. In each entry Delivery Status and Remote IRR
 * are read-only, as the 82093AA and ICH data sheets describe them, and Remote IRR, which
 * the firmware may leave set, is cleared only by what the chip offers:
 *
 * - version below 0x20 (82093AA): no EOI register (offset 0x40 decodes nothing); writing
 *   the entry edge-triggered clears it, which is how Linux ends such an interrupt there;
 * - version 0x20 and later (ICH): the EOI register clears it on every level-triggered
 *   entry whose vector matches the byte written; the data sheet promises nothing for an
 *   edge write, so here it clears nothing.
 *
 * An input marked stuck never lets go of Remote IRR. Remote IRR cleared while its entry is
 * unmasked is counted, and so is every access at an offset the chip does not decode (a
 * read answers all ones). Every ioremap and iounmap of a chip's window is counted: two
 * entries of one address share the one window (a kernel whose second mapping was the
 * first's pointer), so a chip is mapped while it has more ioremaps than iounmaps, and an
 * access through its window when it has none left is a misuse. Misuse (an ioremap that is
 * not of a chip's window, uncached, an iounmap of no mapped window, or an access outside
 * every mapped window) is printed and counted in ioapic_sim_misuses, which each test
 * checks is 0: the simulator cannot use the test's CHECK.
 */
#ifndef LIOS_IOAPIC_SIM_H
#define LIOS_IOAPIC_SIM_H

#include <lios/irq_model.h>
#include <lios/printk.h>
#include <lios/types.h>
#include "../../../../support/log_capture.h"
#include "apic.h"

#define IOAPIC_SIM_CHIPS 4
#define IOAPIC_SIM_WINDOW 0x44    /* bytes: IOREGSEL at 0, IOWIN at 0x10, EOI at 0x40 */
#define IOAPIC_SIM_REGS 256       /* what an 8-bit IOREGSEL selects */
#define IOAPIC_SIM_INPUTS_MAX 120 /* entries registers 0x10-0xff hold */
#define IOAPIC_SIM_REG_ID 0x00
#define IOAPIC_SIM_REG_VER 0x01
#define IOAPIC_SIM_REG_ARB 0x02
#define IOAPIC_SIM_REDTBL(pin) (0x10 + 2 * (pin))

struct ioapic_sim {
	uint32_t window[IOAPIC_SIM_WINDOW / 4]; /* the address ioremap hands out; contents unused */
	paddr_t phys;                           /* 0: no chip */
	uint8_t version;                        /* IOAPICVER bits 7-0: 0x11 82093AA, 0x20 ICH */
	unsigned int inputs;                    /* what IOAPICVER claims, 1-256 */
	uint8_t sel;                            /* IOREGSEL */
	uint32_t reg[IOAPIC_SIM_REGS];          /* the registers IOREGSEL selects */
	unsigned int writes[IOAPIC_SIM_REGS];   /* IOWIN writes to each register */
	bool stuck[IOAPIC_SIM_INPUTS_MAX];      /* a broken input: Remote IRR never clears */
	uint8_t eois[IOAPIC_SIM_INPUTS_MAX];    /* bytes written to the EOI register, in order */
	unsigned int eoi_count;                 /* EOI register writes (all, past eois[] too) */
	unsigned int faults;                    /* accesses the chip does not decode */
	unsigned int cleared_unmasked;          /* Remote IRR cleared, entry unmasked */
	unsigned int maps;                      /* ioremaps of this chip's window */
	unsigned int unmaps;                    /* iounmaps of it */
};

extern struct ioapic_sim ioapic_sims[IOAPIC_SIM_CHIPS];
extern unsigned int ioapic_sim_misuses;

/* Forgets every chip and misuse; returns an interrupt model with a MADT that lists nothing
 * yet (no I/O APIC, no override). */
struct irq_model ioapic_sim_machine(void);

/* Puts chip i at phys, answering version and inputs in IOAPICVER, every redirection entry
 * it holds set to entry as the firmware left it. Returns the chip. */
struct ioapic_sim *ioapic_sim_chip(unsigned int i, paddr_t phys, uint8_t version,
				   unsigned int inputs, uint64_t entry);

/* Appends an I/O APIC entry, or an interrupt source override, to m's MADT. */
void ioapic_sim_madt_ioapic(struct irq_model *m, uint8_t id, uint32_t address, uint32_t gsi_base);
void ioapic_sim_madt_override(struct irq_model *m, uint8_t source, uint32_t gsi, uint16_t flags);

/* Mappings of chip i's window still in place: ioremaps less iounmaps. */
unsigned int ioapic_sim_mapped(unsigned int i);

/* Redirection entry pin of chip i, both dwords; set sets it as the firmware left it (the
 * read-only bits too). */
uint64_t ioapic_sim_rte(unsigned int i, unsigned int pin);
void ioapic_sim_set_rte(unsigned int i, unsigned int pin, uint64_t v);

/* ioapic_init(m, dest_id) with everything printk says, at every level, kept for the test's
 * log_captured (cleared first; log_capture.h keeps one buffer per file, so this is inline).
 * Returns what ioapic_init returned. */
static inline int ioapic_sim_init(const struct irq_model *m, uint8_t dest_id)
{
	const char *why = "";
	int err;

	log_capture_clear();
	printk_add_sink(log_capture_sink, false);
	printk_set_sink_level(log_capture_sink, 7);
	err = ioapic_init(m, dest_id, &why);
	printk_remove_sink(log_capture_sink);
	return err;
}

#endif
