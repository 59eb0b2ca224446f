// SPDX-License-Identifier: MIT
/*
 * Intel's shared USB ports (src/drivers/usb/xhci_quirks.c) on a simulated chipset
 * (tests/unit/drivers/pci/pci_sim.c): the xHCI of an 8 series PCH with firmware's masks in
 * its configuration space, ports left on EHCI. Every port the masks allow moves to the
 * xHCI; nothing is written where there is no sharing (another vendor, no Intel EHCI), where
 * firmware allows nothing, or on the one laptop known to hang; a register firmware locked
 * is reported, not believed. The log line says what happened. Before a reboot or
 * power-off the routing goes back, and two parts are named for their D3hot quirk.
 */
#include <string.h>
#include <lios/printk.h>
#include "../../../../src/drivers/usb/usb_internal.h"
#include "../../unit.h"
#include "../pci/pci_sim.h"
#include "log_capture.h"

#define XHCI_ADDR PCI_ADDR(0, 0, 0x14, 0)

static struct chipset {
	struct sim sim;
	struct pci_cfg_ops ops;
	struct sim_fn *xhci;
	struct pci_dev dev;
} cs;

/* An xHCI at 00:14.0 with the given IDs, masks and routing as firmware left them. */
static void chipset(struct chipset *c, uint16_t vendor, uint16_t device, uint32_t usb3_mask,
		    uint32_t usb2_mask)
{
	sim_free(&c->sim);
	memset(c, 0, sizeof(*c));
	sim_ops(&c->sim, &c->ops);
	c->xhci = sim_add(&c->sim, 0, 0x14, 0, vendor, device, PCI_CLASS_SERIAL_BUS,
			  PCI_SUBCLASS_USB, 0);
	sim_w8(c->xhci, PCI_PROG_IF, PCI_PROG_IF_XHCI);
	sim_w32(c->xhci, XHCI_INTEL_USB3PRM, usb3_mask);
	sim_w32(c->xhci, XHCI_INTEL_XUSB2PRM, usb2_mask);
	pci_dev_probe(&c->dev, &c->ops, XHCI_ADDR);
	c->sim.writes = 0;
	log_capture_clear();
}

static void switched(void)
{
	struct chipset *c = &cs;
	struct xhci_route_regs r;

	chipset(c, 0x8086, 0x8c31, 0x3f, 0x3fff); /* Lynx Point: 6 SuperSpeed, 14 USB 2 ports */
	CHECK_EQ(xhci_intel_route(&c->dev, true, "xhci 00:14.0", &r), XHCI_ROUTE_SWITCHED);
	CHECK_EQ(sim_r32(c->xhci, XHCI_INTEL_USB3_PSSEN), 0x3fu);
	CHECK_EQ(sim_r32(c->xhci, XHCI_INTEL_XUSB2PR), 0x3fffu);
	CHECK_EQ(r.usb3_before, 0u);
	CHECK_EQ(r.usb2_before, 0u);
	CHECK_EQ(r.usb3_after, 0x3fu);
	CHECK_EQ(r.usb2_after, 0x3fffu);
	CHECK(log_captured(
		"usb: xhci 00:14.0: Intel shared ports to xHCI: USB 3 0x0 -> 0x3f, USB 2 0x0 -> 0x3fff"));
	/* the masks themselves are firmware's: never written */
	CHECK_EQ(sim_r32(c->xhci, XHCI_INTEL_USB3PRM), 0x3fu);
	CHECK_EQ(sim_r32(c->xhci, XHCI_INTEL_XUSB2PRM), 0x3fffu);
}

/* Only the ports the masks allow move: the others keep firmware's routing bits. */
static void masks_limit(void)
{
	struct chipset *c = &cs;

	chipset(c, 0x8086, 0x1e31, 0x0f, 0x0f0f);     /* Panther Point */
	sim_w32(c->xhci, XHCI_INTEL_XUSB2PR, 0x0001); /* port 0 already on xHCI */
	CHECK_EQ(xhci_intel_route(&c->dev, true, "x", NULL), XHCI_ROUTE_SWITCHED);
	CHECK_EQ(sim_r32(c->xhci, XHCI_INTEL_USB3_PSSEN), 0x0fu);
	CHECK_EQ(sim_r32(c->xhci, XHCI_INTEL_XUSB2PR), 0x0f0fu);
	CHECK(log_captured("USB 2 0x1 -> 0xf0f"));
}

/* No sharing: another vendor's xHCI, or an Intel xHCI without an Intel EHCI (100 series
 * and later, where these offsets mean something else): not one access. */
static void not_shared(void)
{
	struct chipset *c = &cs;

	chipset(c, 0x1b36, 0x000d, 0x3f, 0x3fff); /* QEMU's qemu-xhci */
	c->sim.reads = 0;
	CHECK_EQ(xhci_intel_route(&c->dev, true, "x", NULL), XHCI_ROUTE_NOT_SHARED);
	CHECK_EQ(c->sim.reads, 0u);
	CHECK_EQ(c->sim.writes, 0u);
	chipset(c, 0x8086, 0xa12f, 0x3f, 0x3fff); /* Sunrise Point: no EHCI beside it */
	c->sim.reads = 0;
	CHECK_EQ(xhci_intel_route(&c->dev, false, "x", NULL), XHCI_ROUTE_NOT_SHARED);
	CHECK_EQ(c->sim.reads, 0u);
	CHECK_EQ(c->sim.writes, 0u);
	CHECK_EQ(log_capture_len, 0u);
}

/* Firmware allows no move (masks of 0, or the function answers all ones): nothing written,
 * and the log says a device on an EHCI port will not be seen. */
static void firmware_allows_none(void)
{
	struct chipset *c = &cs;
	struct xhci_route_regs r;

	chipset(c, 0x8086, 0x8c31, 0, 0);
	CHECK_EQ(xhci_intel_route(&c->dev, true, "x", &r), XHCI_ROUTE_KEPT);
	CHECK_EQ(c->sim.writes, 0u);
	CHECK_EQ(r.usb2_after, 0u);
	CHECK(log_captured("firmware lets none move"));
	chipset(c, 0x8086, 0x8c31, 0xffffffffu, 0xffffffffu);
	CHECK_EQ(xhci_intel_route(&c->dev, true, "x", NULL), XHCI_ROUTE_KEPT);
	CHECK_EQ(c->sim.writes, 0u);
}

/* Sony VAIO T (subsystem 104d:90a8) hangs when its ports move: left alone, said why. */
static void sony_quirk(void)
{
	struct chipset *c = &cs;

	chipset(c, 0x8086, 0x1e31, 0x0f, 0x0f);
	sim_w16(c->xhci, 0x2c, 0x104d);
	sim_w16(c->xhci, 0x2e, 0x90a8);
	CHECK_EQ(xhci_intel_route(&c->dev, true, "x", NULL), XHCI_ROUTE_KEPT);
	CHECK_EQ(c->sim.writes, 0u);
	CHECK(log_captured("Sony VAIO T"));
	/* another Sony model is switched */
	chipset(c, 0x8086, 0x1e31, 0x0f, 0x0f);
	sim_w16(c->xhci, 0x2c, 0x104d);
	sim_w16(c->xhci, 0x2e, 0x90a9);
	CHECK_EQ(xhci_intel_route(&c->dev, true, "x", NULL), XHCI_ROUTE_SWITCHED);
}

/* A routing register that does not take the write (locked by firmware): reported. */
static void locked(void)
{
	struct chipset *c = &cs;
	struct xhci_route_regs r;

	chipset(c, 0x8086, 0x9c31, 0x0f, 0x03ff);
	c->xhci->ro_lo = XHCI_INTEL_XUSB2PR;
	c->xhci->ro_hi = XHCI_INTEL_XUSB2PR + 4;
	CHECK_EQ(xhci_intel_route(&c->dev, true, "x", &r), XHCI_ROUTE_STUCK);
	CHECK_EQ(r.usb3_after, 0x0fu);
	CHECK_EQ(r.usb2_after, 0u);
	CHECK(log_captured("routing did not take"));
	CHECK(log_captured("USB 2 0x0 (wanted 0x3ff)"));
}

/* Before a reboot or power-off the routing goes back to what firmware left (Panther Point
 * boards power on again after an S5 entered with the ports on the xHCI). */
static void unroute(void)
{
	struct chipset *c = &cs;
	struct xhci_route_regs r;

	chipset(c, 0x8086, 0x1e31, 0x0f, 0x0f0f);
	sim_w32(c->xhci, XHCI_INTEL_XUSB2PR, 0x0001);
	CHECK_EQ(xhci_intel_route(&c->dev, true, "x", &r), XHCI_ROUTE_SWITCHED);
	xhci_intel_unroute(&c->dev, &r);
	CHECK_EQ(sim_r32(c->xhci, XHCI_INTEL_USB3_PSSEN), 0u);
	CHECK_EQ(sim_r32(c->xhci, XHCI_INTEL_XUSB2PR), 0x0001u);
	CHECK_EQ(sim_r32(c->xhci, XHCI_INTEL_XUSB2PRM), 0x0f0fu);
}

/* Reset and D3hot before S5: Lynx Point-LP and Wildcat Point-LP only. */
static void wakes_from_s5(void)
{
	static const struct {
		uint16_t vendor, device;
		bool quirk;
	} parts[] = {
		{ 0x8086, 0x9c31, true },  { 0x8086, 0x9cb1, true },  { 0x8086, 0x8c31, false },
		{ 0x8086, 0x1e31, false }, { 0x8086, 0xa12f, false }, { 0x1b36, 0x9c31, false },
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		struct pci_dev d = { .vendor = parts[i].vendor, .device = parts[i].device };

		CHECK_EQ(xhci_intel_wakes_from_s5(&d), parts[i].quirk);
	}
}

int main(void)
{
	printk_add_sink(log_capture_sink, false);
	RUN(switched);
	RUN(masks_limit);
	RUN(not_shared);
	RUN(firmware_allows_none);
	RUN(sony_quirk);
	RUN(locked);
	RUN(unroute);
	RUN(wakes_from_s5);
	sim_free(&cs.sim);
	return unit_summary();
}
