/* SPDX-License-Identifier: MIT */
/*
 * Private to src/drivers/pci/: the seams between the pure decoders (pci_config.c,
 * pci_cap.c: compiled for the host too) and the kernel side (pci.c, pci_irq.c): register
 * layouts of the capabilities, the one wait the pure code needs, and the message-programming
 * steps the kernel wraps with a vector and a mapping.
 */
#ifndef PCI_INTERNAL_H
#define PCI_INTERNAL_H

#include <lios/pci.h>

/* Capability header: ID at +0, next pointer at +1 (PCI 3.0, 6.7). */
#define PCI_CAP_NEXT 1
#define PCI_CAP_FIRST_VALID 0x40       /* pointers below are inside the header: invalid */
#define PCI_CAP_PTR_MASK 0xfc          /* the low two bits are reserved */

/* Power management capability (PCI PM 1.2, 3.2). */
#define PCI_PM_CTRL 4                  /* PMCSR */
#define PCI_PM_CTRL_STATE_MASK 0x3
#define PCI_PM_STATE_D0 0
#define PCI_PM_STATE_D2 2
#define PCI_PM_STATE_D3HOT 3
#define PCI_PM_CTRL_NO_SOFT_RESET (1u << 3)
#define PCI_PM_CTRL_PME_STATUS (1u << 15) /* write 1 to clear: never written back */
#define PCI_PM_D3_DELAY_MS 10          /* D3hot -> D0 recovery (PCI PM 1.2, table 5-6) */
#define PCI_PM_D2_DELAY_US 200

/* MSI capability (PCI 3.0, 6.8.1). */
#define PCI_MSI_FLAGS 2
#define PCI_MSI_FLAGS_ENABLE (1u << 0)
#define PCI_MSI_FLAGS_QSIZE_MASK (7u << 4) /* multiple message enable */
#define PCI_MSI_FLAGS_64BIT (1u << 7)
#define PCI_MSI_FLAGS_MASKBIT (1u << 8)    /* per-vector masking */
#define PCI_MSI_ADDR_LO 4
#define PCI_MSI_ADDR_HI 8                  /* 64-bit only */
#define PCI_MSI_DATA_32 8
#define PCI_MSI_DATA_64 12
#define PCI_MSI_MASK_32 12
#define PCI_MSI_MASK_64 16

/* MSI-X capability (PCI 3.0, 6.8.2). */
#define PCI_MSIX_FLAGS 2
#define PCI_MSIX_FLAGS_QSIZE 0x7ffu        /* table size - 1 */
#define PCI_MSIX_FLAGS_MASKALL (1u << 14)
#define PCI_MSIX_FLAGS_ENABLE (1u << 15)
#define PCI_MSIX_TABLE 4                   /* offset | BIR */
#define PCI_MSIX_BIR_MASK 0x7u
#define PCI_MSIX_ENTRY_SIZE 16
#define PCI_MSIX_ENTRY_ADDR_LO 0
#define PCI_MSIX_ENTRY_ADDR_HI 4
#define PCI_MSIX_ENTRY_DATA 8
#define PCI_MSIX_ENTRY_CTRL 12
#define PCI_MSIX_ENTRY_CTRL_MASKBIT 1u

/* BAR low bits (PCI 3.0, 6.2.5.1). */
#define PCI_BAR_SPACE_IO 0x1u
#define PCI_BAR_MEM_TYPE_MASK 0x6u
#define PCI_BAR_MEM_TYPE_64 0x4u
#define PCI_BAR_MEM_PREFETCH 0x8u
#define PCI_BAR_IO_MASK (~0x3u)
#define PCI_BAR_MEM_MASK (~0xfu)

/* Busy-wait; the kernel's is udelay, the host tests count. */
void pci_delay_us(uint64_t us);

/* Program the MSI capability at 'cap' with one message (addr, data) and enable it. */
void pci_msi_program(struct pci_dev *dev, uint8_t cap, uint64_t addr, uint32_t data);
/* Where the MSI-X table lives: BAR index and offset in it, and the number of entries. */
void pci_msix_table_location(const struct pci_dev *dev, uint8_t cap, unsigned int *bir, uint32_t *offset,
			     unsigned int *entries);
/* Program MSI-X table entry 'entry' of the mapped table (aligned 32-bit writes, masked
 * while written, unmasked at the end) and enable MSI-X with the function unmasked.
 * Returns -EINVAL when entry is beyond the table. */
int pci_msix_program(struct pci_dev *dev, uint8_t cap, volatile uint32_t *table, unsigned int entry,
		     uint64_t addr, uint32_t data);
/* Turn MSI and MSI-X off (INTx Disable is cleared too). */
void pci_msi_off(struct pci_dev *dev);

/* Kernel (pci.c): the configuration mechanisms one at a time, for the self-tests;
 * pci_ecam_ops is NULL without MCFG regions. */
const struct pci_cfg_ops *pci_port_ops(void);
const struct pci_cfg_ops *pci_ecam_ops(void);

#endif
