/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for <arch/mmio.h>, so that real arch code runs on the host against a
 * simulated device behind its registers (the simulator defines mmio_read32 and
 * mmio_write32: ioapic_sim.c's I/O APICs, decoded from the address within the window it
 * handed out through ioremap). Test-only.
 */
#ifndef TEST_ARCH_MMIO_H
#define TEST_ARCH_MMIO_H

#include <lios/types.h>

uint32_t mmio_read32(const volatile uint32_t *reg);
void mmio_write32(volatile uint32_t *reg, uint32_t v);

#endif
