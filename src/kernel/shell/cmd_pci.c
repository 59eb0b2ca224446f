// SPDX-License-Identifier: MIT
/*
 * The shell's `pci` command: one line per PCI function (bus:dev.fn, vendor:device, class
 * code and name, the driver bound to it), then how configuration space was reached. With
 * `-v`, each function's BARs and interrupt pin too. Reads only what pci_init recorded
 * (lios/pci.h), so it touches no hardware.
 */
#include <lios/errno.h>
#include <lios/pci.h>
#include <lios/printk.h>
#include <lios/shell.h>
#include <lios/string.h>

static void print_bars(const struct pci_dev *d)
{
	for (unsigned int i = 0; i < PCI_BARS; i++) {
		const struct pci_bar *b = pci_bar(d, i);

		if (!b->size)
			continue;
		printk("           BAR%u %s %#llx size %#llx%s%s%s\n", i, b->flags & PCI_BAR_IO ? "io " : "mem",
		       (unsigned long long)b->addr, (unsigned long long)b->size,
		       b->flags & PCI_BAR_MEM64 ? " 64-bit" : "", b->flags & PCI_BAR_PREFETCH ? " prefetch" : "",
		       b->virt ? " mapped" : "");
	}
	if (d->irq_pin)
		printk("           INT%c# line %u%s\n", 'A' + d->irq_pin - 1, d->irq_line,
		       d->msi_vector >= 0 ? " (MSI in use)" : "");
}

static int cmd_pci(int argc, char **argv, const char *rest)
{
	bool verbose = argc > 1 && strcmp(argv[1], "-v") == 0;

	/* two words are refused as such: naming the last one as "unknown" blamed the valid
	 * '-v' of `pci -x -v` */
	if (argc > 2) {
		printk("pci: one option at most (usage: pci [-v])\n");
		return -EINVAL;
	}
	if (argc > 1 && !verbose) {
		printk("pci: unknown option '%s' (usage: pci [-v])\n", argv[1]);
		return -EINVAL;
	}

	for (const struct pci_dev *d = pci_next(NULL); d; d = pci_next(d)) {
		printk("%02x:%02x.%u %04x:%04x %02x%02x%02x %-13s %s\n", PCI_ADDR_BUS(d->addr),
		       PCI_ADDR_DEV(d->addr), PCI_ADDR_FN(d->addr), d->vendor, d->device, d->class_code,
		       d->subclass, d->prog_if, pci_class_name(d->class_code, d->subclass, d->prog_if),
		       d->driver ? d->driver : "-");
		if (verbose)
			print_bars(d);
	}
	printk("pci: %u function%s, configuration space through %s\n", pci_count(),
	       pci_count() == 1 ? "" : "s", pci_using_ecam() ? "ECAM" : "ports");
	return 0;
}

SHELL_COMMAND(pci, "[-v]", "list PCI functions and their drivers", cmd_pci);
