/* SPDX-License-Identifier: MIT */
/*
 * AMD IOMMUs (AMD-Vi; src/drivers/iommu/; layer: drivers). LiOS does not use them: its
 * drivers hand devices physical addresses and program the I/O APIC and MSI in
 * compatibility format. Firmware with pre-boot DMA protection ("DMAr system protection
 * during POST", kept on at the hand-over to the OS) may leave an IOMMU translating through
 * a device table LiOS knows nothing of; then the xHCI's DMA never arrives. amdvi_init turns
 * each IOMMU off, as Linux does before it sets one up (and after a kexec or kdump).
 */
#ifndef LIOS_AMDVI_H
#define LIOS_AMDVI_H

#include <lios/acpi.h>

/* Turns off the command buffer, the logs and the translation of every IOMMU the IVRS
 * table lists (v from acpi_get_info()), one "amdvi: unit N at ADDR: ..." line each; an
 * IOMMU that does not let go within its wait is reported and the boot goes on. Nothing
 * when v is not present. Thread context, after acpi_init and ioremap; before interrupts
 * are routed and before any DMA-capable driver starts. Waits are bounded (before
 * timer_init they may last a few times longer than their 100 ms). */
void amdvi_init(const struct acpi_ivrs *v);

#endif
