/* SPDX-License-Identifier: MIT */
/*
 * Memory-mapped device registers reached through an index/data pair (the I/O APIC's
 * IOREGSEL and IOWIN), where the order and number of accesses is the protocol. Each
 * access is one volatile 32-bit load or store, never merged, split or reordered by the
 * compiler; the mapping must be uncached (ioremap with PG_CACHE_UC). Host programs get a
 * stand-in that a test defines, so the device can be simulated behind the same calls.
 */
#ifndef ARCH_MMIO_H
#define ARCH_MMIO_H

#include <lios/types.h>

static inline uint32_t mmio_read32(const volatile uint32_t *reg) { return *reg; }
static inline void mmio_write32(volatile uint32_t *reg, uint32_t v) { *reg = v; }

#endif
