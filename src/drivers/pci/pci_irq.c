// SPDX-License-Identifier: MIT
/*
 * Interrupts of PCI functions: MSI-X and MSI on a dynamic vector from the interrupt layer
 * (irq_alloc_vector, arch_msi_message in lios/irq.h), programmed by pci_cap.c. MSI-X is
 * preferred because its table can mask each entry and QEMU's xHCI has only MSI-X; MSI next;
 * the INTx line is left to the driver (its number is in dev->irq_line), because a shared
 * level-triggered line needs the driver's own "was it me" check.
 *
 * Each function holds at most one message vector here (dev->msi_vector): enough for one
 * interrupter per controller. On the 8259 backend no vector is handed out (see
 * irq_vector.c), so these return -ENODEV and drivers take their INTx or polling path.
 */
#include <lios/errno.h>
#include <lios/printk.h>
#include "pci_internal.h"

/* A vector with its message, or a negative error. */
static int vector_for(irq_handler_fn fn, void *ctx, uint64_t *addr, uint32_t *data)
{
	int vector = irq_alloc_vector(fn, ctx);

	if (vector < 0)
		return vector;
	if (arch_msi_message(vector, addr, data)) {
		irq_free_vector(vector);
		return -ENODEV;
	}
	return vector;
}

/* pci_msix_enable - see pci.h. */
int pci_msix_enable(struct pci_dev *dev, unsigned int entry, irq_handler_fn fn, void *ctx)
{
	uint8_t cap = pci_find_cap(dev, PCI_CAP_ID_MSIX);
	unsigned int bir, entries;
	uint32_t offset, data;
	uint64_t addr;
	uint8_t *bar;
	int vector, err;

	if (!cap)
		return -ENODEV;
	if (dev->msi_vector >= 0)
		return -EBUSY;
	pci_msix_table_location(dev, cap, &bir, &offset, &entries);
	if (bir >= PCI_BARS || entry >= entries ||
	    (uint64_t)offset + (uint64_t)entries * PCI_MSIX_ENTRY_SIZE > dev->bar[bir].size)
		return -EINVAL;
	bar = pci_bar_map(dev, bir);
	if (!bar)
		return -ENOMEM;
	vector = vector_for(fn, ctx, &addr, &data);
	if (vector < 0)
		return vector;
	pci_enable(dev, PCI_COMMAND_MEMORY); /* the table is reached through the BAR */
	err = pci_msix_program(dev, cap, (volatile uint32_t *)(bar + offset), entry, addr, data);
	if (err) {
		irq_free_vector(vector);
		return err;
	}
	dev->msi_vector = vector;
	return vector;
}

/* pci_msi_enable - see pci.h. */
int pci_msi_enable(struct pci_dev *dev, irq_handler_fn fn, void *ctx)
{
	uint8_t cap = pci_find_cap(dev, PCI_CAP_ID_MSI);
	uint32_t data;
	uint64_t addr;
	int vector;

	if (!cap)
		return -ENODEV;
	if (dev->msi_vector >= 0)
		return -EBUSY;
	vector = vector_for(fn, ctx, &addr, &data);
	if (vector < 0)
		return vector;
	pci_msi_program(dev, cap, addr, data);
	dev->msi_vector = vector;
	return vector;
}

/* pci_irq_enable - MSI-X, else MSI (see pci.h). */
int pci_irq_enable(struct pci_dev *dev, irq_handler_fn fn, void *ctx)
{
	int r = pci_msix_enable(dev, 0, fn, ctx);

	if (r >= 0 || r == -EBUSY)
		return r;
	return pci_msi_enable(dev, fn, ctx);
}

/* pci_irq_disable - messages off, vector freed, INTx allowed. */
void pci_irq_disable(struct pci_dev *dev)
{
	pci_msi_off(dev);
	if (dev->msi_vector >= 0) {
		irq_free_vector(dev->msi_vector);
		dev->msi_vector = -1;
	}
}
