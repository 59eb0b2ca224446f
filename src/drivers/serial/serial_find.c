// SPDX-License-Identifier: MIT
/*
 * Late console discovery: most PCs sold today have no COM1, servers describe their console
 * UART in the ACPI SPCR table (another I/O port, or memory-mapped with 32-bit registers),
 * and Intel AMT's Serial-over-LAN is a PCI 16550 function. kmain probes COM1 first thing;
 * when it is absent, this runs once ACPI and PCI are up and starts, in this order, the
 * SPCR's UART when it is a 16550, or the first PCI 16550 function (class 07, subclass 00,
 * prog-if 02) that answers the probe, through its I/O BAR, else its memory BAR mapped
 * uncached. The log printed so far is replayed to it whole (the printk ring: every level,
 * as the serial sink keeps them), so the serial log is complete from the banner on, and
 * one "serial: ..." line says which UART it is. With COM1 present nothing happens here.
 * Kernel only (the SPCR parser and the UART driver are tested on the host).
 */
#include <lios/acpi.h>
#include <lios/paging.h>
#include <lios/pci.h>
#include <lios/printk.h>
#include <lios/serial.h>
#include <lios/vmalloc.h>

#define UART_REGS 8         /* a 16550 has 8 registers */
#define SERIAL_LOG_LEVEL 7  /* KERN_DEBUG: the serial log keeps every detail */
#define PCI_CLASS_COMM 0x07 /* simple communication controller */
#define PCI_SUBCLASS_SERIAL 0x00
#define PCI_PROG_IF_16550 0x02

/* Replays the log to the UART just started and makes it the serial sink, then names it. */
static void serial_announce(const char *what, const char *where)
{
	printk_add_sink_caught_up(serial_write, SERIAL_LOG_LEVEL);
	printk("serial: %s at %s, %u baud (COM1 absent)\n", what, where, serial_baud());
}

/* Starts the UART the SPCR describes. Returns 0 (announced), or -1 with why in 'why'. */
static int try_spcr(const struct acpi_spcr *spcr, const char **why)
{
	struct serial_port p = { .reg_bytes = spcr->reg_bytes,
				 .base = spcr->base.address,
				 .baud = spcr->baud,
				 .clock_hz = spcr->clock_hz };
	char where[64];
	void *regs = NULL;

	if (spcr->mmio) {
		regs = ioremap(spcr->base.address, UART_REGS * spcr->reg_bytes, PG_CACHE_UC);
		if (!regs) {
			*why = "its registers cannot be mapped";
			return -1;
		}
		p.space = SERIAL_SPACE_MMIO;
		p.virt = (uintptr_t)regs;
		ksnprintf(where, sizeof(where), "MMIO %#llx (%u-bit registers)",
			  (unsigned long long)p.base, 8u * p.reg_bytes);
	} else {
		p.space = SERIAL_SPACE_IO;
		ksnprintf(where, sizeof(where), "I/O %#llx", (unsigned long long)p.base);
	}
	if (serial_init_port(&p) != 0) {
		if (regs)
			iounmap(regs);
		*why = "it does not answer the probe";
		return -1;
	}
	serial_announce("SPCR 16550", where);
	return 0;
}

/* Starts pd's 16550 through its first I/O BAR, else its first memory BAR (byte registers,
 * mapped uncached). Returns 0 (announced) or -1. */
static int try_pci(struct pci_dev *pd)
{
	struct serial_port p = { .reg_bytes = 1, .baud = 115200 };
	char what[40], where[40];
	int mem = -1, io = -1;

	for (unsigned i = 0; i < PCI_BARS; i++) {
		const struct pci_bar *b = pci_bar(pd, i);

		if (!b || !b->addr || b->size < UART_REGS || (b->flags & PCI_BAR_UPPER))
			continue;
		if ((b->flags & PCI_BAR_IO) && io < 0)
			io = (int)i;
		else if (!(b->flags & PCI_BAR_IO) && mem < 0)
			mem = (int)i;
	}
	if (io >= 0) {
		p.space = SERIAL_SPACE_IO;
		p.base = pci_bar(pd, (unsigned)io)->addr;
		if (p.base > 0xffff - UART_REGS)
			return -1;
		pci_enable_upstream(pd, PCI_COMMAND_IO); /* a bridge not decoding: all ones */
		pci_enable(pd, PCI_COMMAND_IO);
		ksnprintf(where, sizeof(where), "I/O %#llx", (unsigned long long)p.base);
	} else if (mem >= 0) {
		p.space = SERIAL_SPACE_MMIO;
		p.base = pci_bar(pd, (unsigned)mem)->addr;
		p.virt = (uintptr_t)pci_bar_map(pd, (unsigned)mem);
		if (!p.virt)
			return -1;
		pci_enable_upstream(pd, PCI_COMMAND_MEMORY);
		pci_enable(pd, PCI_COMMAND_MEMORY);
		ksnprintf(where, sizeof(where), "MMIO %#llx", (unsigned long long)p.base);
	} else {
		return -1;
	}
	if (serial_init_port(&p) != 0)
		return -1;
	pci_bind(pd, "serial");
	if (PCI_ADDR_SEG(pd->addr))
		ksnprintf(what, sizeof(what), "PCI 16550 %04x:%02x:%02x.%u", PCI_ADDR_SEG(pd->addr),
			  PCI_ADDR_BUS(pd->addr), PCI_ADDR_DEV(pd->addr), PCI_ADDR_FN(pd->addr));
	else
		ksnprintf(what, sizeof(what), "PCI 16550 %02x:%02x.%u", PCI_ADDR_BUS(pd->addr),
			  PCI_ADDR_DEV(pd->addr), PCI_ADDR_FN(pd->addr));
	serial_announce(what, where);
	return 0;
}

/* serial_find_late - see <lios/serial.h>. */
void serial_find_late(const struct acpi_spcr *spcr)
{
	struct pci_dev *pd = NULL;
	const char *why;

	if (serial_present())
		return;
	if (spcr && spcr->present) {
		why = spcr->why;
		if (!why && try_spcr(spcr, &why) == 0)
			return;
		printk("serial: the SPCR's UART is not used: %s\n", why);
	}
	while ((pd = pci_find_class(PCI_CLASS_COMM, PCI_SUBCLASS_SERIAL, PCI_PROG_IF_16550, pd)))
		if (!pd->driver && try_pci(pd) == 0)
			return;
	/* debug: a screen without serial keeps its 25 rows for the boot as before (dmesg) */
	printk(KERN_DEBUG "serial: none (no COM1, %s, no PCI 16550 that answers)\n",
	       spcr && spcr->present ? "SPCR's UART not used" : "no SPCR table");
}
