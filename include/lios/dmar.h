/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-d DMA remapping units (src/drivers/iommu/; layer: drivers). LiOS does not use
 * them: its drivers hand devices physical addresses and program the I/O APIC and MSI in
 * compatibility format. Firmware with pre-boot DMA protection may leave a unit translating
 * (with tables LiOS knows nothing of), its protected memory regions on, or interrupt
 * remapping on; then the xHCI's DMA or the interrupts never arrive. dmar_init turns each of
 * these off, as Linux does when it does not use the IOMMU.
 */
#ifndef LIOS_DMAR_H
#define LIOS_DMAR_H

#include <lios/acpi.h>

/* Turns off translation, the protected memory regions and interrupt remapping on every unit
 * the DMAR table lists (d from acpi_get_info()), one "dmar: unit N at ADDR: ..." line each;
 * a unit that does not let go within its wait is reported and the boot goes on. Nothing
 * when d is not present. Thread context, after acpi_init and ioremap; before interrupts are
 * routed and before any DMA-capable driver starts. Waits are bounded (before timer_init
 * they may last a few times longer than their 100 ms). */
void dmar_init(const struct acpi_dmar *d);

#endif
