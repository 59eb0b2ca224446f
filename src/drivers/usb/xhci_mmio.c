// SPDX-License-Identifier: MIT
/*
 * How the kernel reaches an xHCI's registers: aligned 32-bit and single-byte volatile
 * loads and stores into the BAR that usb.c's probe mapped uncached (pci_bar_map). The
 * rest of the driver reaches them only through struct xhci_mmio, so this file is the one
 * place that needs the hardware: a host test that runs the real probe (test_usb_probe)
 * links its simulated register file's accessors in its stead.
 */
#include "usb_internal.h"

static uint32_t bar_read32(void *ctx, uint32_t off)
{
	return *(volatile uint32_t *)((uint8_t *)ctx + off);
}
static void bar_write32(void *ctx, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)((uint8_t *)ctx + off) = v;
}
static void bar_write8(void *ctx, uint32_t off, uint8_t v)
{
	*(volatile uint8_t *)((uint8_t *)ctx + off) = v;
}

/* xhci_mmio_bar - hc's register accessors over its BAR, mapped at base; kept in
 * hc->mmio_store, so they live as long as hc. Any context. */
const struct xhci_mmio *xhci_mmio_bar(struct xhci *hc, void *base)
{
	hc->mmio_store = (struct xhci_mmio){ bar_read32, bar_write32, bar_write8, base };
	return &hc->mmio_store;
}
