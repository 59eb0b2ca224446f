// SPDX-License-Identifier: MIT
/*
 * Capabilities of a function: the bounded list walk, power management (to D0), and the
 * register steps of MSI and MSI-X that do not depend on the kernel (the vector, the address
 * and the mapping of the MSI-X table come from pci_irq.c). Pure C over struct pci_cfg_ops,
 * host-tested and fuzzed; also the class names the `pci` command prints.
 *
 * The list walk trusts nothing: it starts only when the status register says there is a
 * list, and stops at a pointer outside 0x40-0xff, a pointer it has visited (a loop of any
 * length), or after PCI_CAP_MAX (48) entries, the most that fit in 192 bytes.
 *
 * All MSI-X table accesses are aligned 32-bit MMIO writes (QEMU accepts no other width in
 * its MSI-X region); an entry is masked while its address and data change.
 */
#include <lios/errno.h>
#include "pci_internal.h"

/* pci_find_next_cap - see pci.h: the first capability with 'id' after offset 'after'
 * (0: from the head of the list), 0 when there is none. */
uint8_t pci_find_next_cap(const struct pci_dev *dev, uint8_t after, uint8_t id)
{
	uint8_t seen[256 / 8] = { 0 };
	uint8_t ptr;
	bool passed = after == 0;

	if (!(pci_read16(dev, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	ptr = pci_read8(dev, PCI_CAP_PTR) & PCI_CAP_PTR_MASK;
	for (unsigned int n = 0; n < PCI_CAP_MAX; n++) {
		if (ptr < PCI_CAP_FIRST_VALID || seen[ptr / 8] & (1u << (ptr % 8)))
			return 0;
		seen[ptr / 8] |= (uint8_t)(1u << (ptr % 8));
		if (passed && pci_read8(dev, ptr) == id)
			return ptr;
		if (ptr == after)
			passed = true;
		ptr = pci_read8(dev, (uint16_t)(ptr + PCI_CAP_NEXT)) & PCI_CAP_PTR_MASK;
	}
	return 0;
}

/* pci_find_cap - the first capability with 'id', 0 when none. */
uint8_t pci_find_cap(const struct pci_dev *dev, uint8_t id) { return pci_find_next_cap(dev, 0, id); }

/* Write the BARs and command register decoded at enumeration back (after a D3hot->D0
 * transition reset the function). */
static void restore_config(struct pci_dev *dev, uint16_t cmd)
{
	unsigned int nbars = dev->header_type == PCI_HEADER_NORMAL ? PCI_BARS : 2;

	for (unsigned int i = 0; i < nbars; i++) {
		const struct pci_bar *b = &dev->bar[i];
		uint16_t off = (uint16_t)(PCI_BAR0 + 4 * i);

		if (!b->size)
			continue;
		pci_write32(dev, off, (uint32_t)b->addr | (pci_read32(dev, off) & ~PCI_BAR_MEM_MASK));
		if (b->flags & PCI_BAR_MEM64)
			pci_write32(dev, (uint16_t)(off + 4), (uint32_t)(b->addr >> 32));
	}
	pci_write8(dev, PCI_INTERRUPT_LINE, dev->irq_line);
	pci_write16(dev, PCI_COMMAND, cmd);
}

/* pci_set_d0 - see pci.h. */
int pci_set_d0(struct pci_dev *dev)
{
	uint8_t pm = pci_find_cap(dev, PCI_CAP_ID_PM);
	uint16_t ctrl, state, cmd;

	if (!pm)
		return 0;
	ctrl = pci_read16(dev, (uint16_t)(pm + PCI_PM_CTRL));
	state = ctrl & PCI_PM_CTRL_STATE_MASK;
	if (state == PCI_PM_STATE_D0)
		return 0;
	cmd = pci_read16(dev, PCI_COMMAND);
	ctrl &= (uint16_t)~(PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_STATUS);
	pci_write16(dev, (uint16_t)(pm + PCI_PM_CTRL), (uint16_t)(ctrl | PCI_PM_STATE_D0));
	if (state == PCI_PM_STATE_D3HOT)
		pci_delay_us(PCI_PM_D3_DELAY_MS * 1000ull);
	else if (state == PCI_PM_STATE_D2)
		pci_delay_us(PCI_PM_D2_DELAY_US);
	ctrl = pci_read16(dev, (uint16_t)(pm + PCI_PM_CTRL));
	if ((ctrl & PCI_PM_CTRL_STATE_MASK) != PCI_PM_STATE_D0)
		return -EIO;
	if (state == PCI_PM_STATE_D3HOT && !(ctrl & PCI_PM_CTRL_NO_SOFT_RESET))
		restore_config(dev, cmd);
	return 0;
}

/* pci_set_d3hot - see pci.h. */
int pci_set_d3hot(struct pci_dev *dev)
{
	uint8_t pm = pci_find_cap(dev, PCI_CAP_ID_PM);
	uint16_t ctrl;

	if (!pm)
		return -ENODEV;
	ctrl = pci_read16(dev, (uint16_t)(pm + PCI_PM_CTRL));
	ctrl &= (uint16_t)~(PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_STATUS);
	pci_write16(dev, (uint16_t)(pm + PCI_PM_CTRL), (uint16_t)(ctrl | PCI_PM_STATE_D3HOT));
	pci_delay_us(PCI_PM_D3_DELAY_MS * 1000ull);
	ctrl = pci_read16(dev, (uint16_t)(pm + PCI_PM_CTRL));
	return (ctrl & PCI_PM_CTRL_STATE_MASK) == PCI_PM_STATE_D3HOT ? 0 : -EIO;
}

/* pci_msi_program - one message, 32- or 64-bit address form, per-vector mask cleared. */
void pci_msi_program(struct pci_dev *dev, uint8_t cap, uint64_t addr, uint32_t data)
{
	uint16_t flags = pci_read16(dev, (uint16_t)(cap + PCI_MSI_FLAGS));
	bool is64 = flags & PCI_MSI_FLAGS_64BIT;

	flags &= (uint16_t)~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE_MASK);
	pci_write16(dev, (uint16_t)(cap + PCI_MSI_FLAGS), flags);
	pci_write32(dev, (uint16_t)(cap + PCI_MSI_ADDR_LO), (uint32_t)addr);
	if (is64) {
		pci_write32(dev, (uint16_t)(cap + PCI_MSI_ADDR_HI), (uint32_t)(addr >> 32));
		pci_write16(dev, (uint16_t)(cap + PCI_MSI_DATA_64), (uint16_t)data);
	} else {
		pci_write16(dev, (uint16_t)(cap + PCI_MSI_DATA_32), (uint16_t)data);
	}
	if (flags & PCI_MSI_FLAGS_MASKBIT)
		pci_write32(dev, (uint16_t)(cap + (is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32)), 0);
	pci_command(dev, PCI_COMMAND_INTX_DISABLE, 0);
	pci_write16(dev, (uint16_t)(cap + PCI_MSI_FLAGS), (uint16_t)(flags | PCI_MSI_FLAGS_ENABLE));
}

/* pci_msix_table_location - BIR, offset (8-byte aligned) and entry count of the table. */
void pci_msix_table_location(const struct pci_dev *dev, uint8_t cap, unsigned int *bir, uint32_t *offset,
			     unsigned int *entries)
{
	uint32_t table = pci_read32(dev, (uint16_t)(cap + PCI_MSIX_TABLE));

	*bir = table & PCI_MSIX_BIR_MASK;
	*offset = table & ~PCI_MSIX_BIR_MASK;
	*entries = (pci_read16(dev, (uint16_t)(cap + PCI_MSIX_FLAGS)) & PCI_MSIX_FLAGS_QSIZE) + 1;
}

/* pci_msix_program - see pci_internal.h. Enable with the whole function masked first, so
 * no entry fires half-written, then unmask. */
int pci_msix_program(struct pci_dev *dev, uint8_t cap, volatile uint32_t *table, unsigned int entry,
		     uint64_t addr, uint32_t data)
{
	uint16_t flags = pci_read16(dev, (uint16_t)(cap + PCI_MSIX_FLAGS));
	volatile uint32_t *e;

	if (entry > (flags & PCI_MSIX_FLAGS_QSIZE))
		return -EINVAL;
	e = table + entry * (PCI_MSIX_ENTRY_SIZE / 4);
	pci_write16(dev, (uint16_t)(cap + PCI_MSIX_FLAGS),
		    (uint16_t)(flags | PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL));
	e[PCI_MSIX_ENTRY_CTRL / 4] = e[PCI_MSIX_ENTRY_CTRL / 4] | PCI_MSIX_ENTRY_CTRL_MASKBIT;
	e[PCI_MSIX_ENTRY_ADDR_LO / 4] = (uint32_t)addr;
	e[PCI_MSIX_ENTRY_ADDR_HI / 4] = (uint32_t)(addr >> 32);
	e[PCI_MSIX_ENTRY_DATA / 4] = data;
	e[PCI_MSIX_ENTRY_CTRL / 4] = e[PCI_MSIX_ENTRY_CTRL / 4] & ~PCI_MSIX_ENTRY_CTRL_MASKBIT;
	pci_command(dev, PCI_COMMAND_INTX_DISABLE, 0);
	pci_write16(dev, (uint16_t)(cap + PCI_MSIX_FLAGS),
		    (uint16_t)((flags | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL));
	return 0;
}

/* pci_msi_off - MSI and MSI-X enables cleared, INTx allowed again. */
void pci_msi_off(struct pci_dev *dev)
{
	uint8_t cap = pci_find_cap(dev, PCI_CAP_ID_MSIX);
	uint16_t f;

	if (cap) {
		f = pci_read16(dev, (uint16_t)(cap + PCI_MSIX_FLAGS));
		pci_write16(dev, (uint16_t)(cap + PCI_MSIX_FLAGS), (uint16_t)(f & ~PCI_MSIX_FLAGS_ENABLE));
	}
	cap = pci_find_cap(dev, PCI_CAP_ID_MSI);
	if (cap) {
		f = pci_read16(dev, (uint16_t)(cap + PCI_MSI_FLAGS));
		pci_write16(dev, (uint16_t)(cap + PCI_MSI_FLAGS), (uint16_t)(f & ~PCI_MSI_FLAGS_ENABLE));
	}
	pci_command(dev, 0, PCI_COMMAND_INTX_DISABLE);
}

struct class_name {
	uint8_t class_code;
	int16_t subclass, prog_if; /* PCI_ANY matches all */
	const char *name;
};

/* A few classes worth naming (PCI Code and ID Assignment spec); first match wins. */
static const struct class_name class_names[] = {
	{ 0x01, 0x01, PCI_ANY, "IDE" },
	{ 0x01, 0x06, PCI_ANY, "SATA AHCI" },
	{ 0x01, 0x08, PCI_ANY, "NVMe" },
	{ 0x01, PCI_ANY, PCI_ANY, "storage" },
	{ 0x02, 0x00, PCI_ANY, "Ethernet" },
	{ 0x02, PCI_ANY, PCI_ANY, "network" },
	{ 0x03, 0x00, PCI_ANY, "VGA" },
	{ 0x03, PCI_ANY, PCI_ANY, "display" },
	{ 0x04, PCI_ANY, PCI_ANY, "multimedia" },
	{ 0x05, PCI_ANY, PCI_ANY, "memory" },
	{ 0x06, 0x00, PCI_ANY, "host bridge" },
	{ 0x06, 0x01, PCI_ANY, "ISA bridge" },
	{ 0x06, 0x04, PCI_ANY, "PCI bridge" },
	{ 0x06, PCI_ANY, PCI_ANY, "bridge" },
	{ 0x07, PCI_ANY, PCI_ANY, "communication" },
	{ 0x08, PCI_ANY, PCI_ANY, "system" },
	{ 0x09, PCI_ANY, PCI_ANY, "input" },
	{ 0x0c, 0x03, 0x00, "USB UHCI" },
	{ 0x0c, 0x03, 0x10, "USB OHCI" },
	{ 0x0c, 0x03, 0x20, "USB EHCI" },
	{ 0x0c, 0x03, 0x30, "USB xHCI" },
	{ 0x0c, 0x03, PCI_ANY, "USB" },
	{ 0x0c, 0x05, PCI_ANY, "SMBus" },
	{ 0x0c, PCI_ANY, PCI_ANY, "serial bus" },
};

/* pci_class_name - a short name, "other" when not in the table. */
const char *pci_class_name(uint8_t class_code, uint8_t subclass, uint8_t prog_if)
{
	for (size_t i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++) {
		const struct class_name *c = &class_names[i];

		if (c->class_code == class_code && (c->subclass == PCI_ANY || c->subclass == subclass) &&
		    (c->prog_if == PCI_ANY || c->prog_if == prog_if))
			return c->name;
	}
	return "other";
}
