// SPDX-License-Identifier: MIT
/*
 * What some xHCI parts need of a driver beyond the specification, read and written through
 * their PCI configuration space: Intel's shared ports and S5 wakes, Renesas's firmware.
 *
 * What Intel's 7, 8 and 9 series chipsets (Panther Point, Lynx Point, Wildcat Point) and
 * Bay Trail need of an xHCI driver beyond the specification: their USB ports are shared
 * with EHCI, and some of them do not stay off after a power-off the xHCI was running in.
 *
 * Shared ports. The xHCI shares its USB 2 ports with the EHCI controllers beside it, and a
 * multiplexer in the chipset decides which of the two sees each port. Firmware that boots
 * an OS without an xHCI driver in mind (the "xHCI mode: Auto" setting of many boards of
 * 2012-2015) leaves every port on EHCI: the xHCI's root ports then stay empty, and a
 * keyboard there is invisible to LiOS, which has no EHCI driver. The xHCI's PCI
 * configuration space holds two routing registers and two masks that firmware writes once
 * to say which ports the OS may move (Intel's 7/8/9 series PCH datasheets; Linux and NetBSD
 * switch them the same way):
 *
 *   0xd0 XUSB2PR     USB 2 port routing: bit n set, port n belongs to the xHCI
 *   0xd4 XUSB2PRM    which XUSB2PR bits the OS may set
 *   0xd8 USB3_PSSEN  SuperSpeed enable: bit n set, port n's SuperSpeed pins are driven
 *   0xdc USB3PRM     which USB3_PSSEN bits the OS may set
 *
 * So every port the masks allow goes to the xHCI, SuperSpeed first (a USB 3 device then
 * connects as one, not as USB 2 on EHCI first). Only where the sharing exists: an Intel
 * xHCI with an Intel EHCI in the same machine (later chipsets have no EHCI, and these
 * offsets mean other things there). One laptop is known not to survive the switch (Sony
 * VAIO T series, subsystem 104d:90a8); it is left alone, as Linux does. EHCI's own legacy
 * emulation is not touched: a port the masks keep on EHCI stays served by firmware's
 * emulated PS/2 keyboard, if it has one.
 *
 * Shutdown. Boards with these chipsets power themselves back on a few seconds after an S5
 * entered with the ports on the xHCI (Intel's DH77EB and DH77DF desktops, Lynx Point-LP
 * laptops), and the Lynx Point-LP and Wildcat Point-LP xHCI wakes the machine unless it
 * is reset and put in D3hot first (Linux's XHCI_SPURIOUS_REBOOT and _WAKEUP quirks). So
 * before a reboot or power-off (usb_shutdown) the routing goes back to what firmware left,
 * and those two parts are reset and put in D3hot after the halt.
 *
 * Firmware. Renesas's uPD720201 and uPD720202 (1912:0014, 1912:0015: many add-in USB 3
 * cards) run firmware that they load at power-on from an external ROM, or that the OS
 * downloads through two configuration registers (Renesas's hardware manual R19UH0078,
 * "FW Download Interface"; Linux's loader reads them the same way):
 *
 *   0xf4 FW status   bit 1 locked, bits 6:4 the last download's result (1: success)
 *   0xf6 ROM status  bit 15 an external ROM is present
 *
 * A card without a ROM whose firmware nothing loaded (no ROM and neither the machine's
 * firmware nor an OS before a warm reboot did it) never finishes its reset: LiOS, which
 * carries no firmware, skips it at once with that reason instead of after the takeover's
 * 5 s wait for Controller Not Ready (and before any other controller's turn).
 *
 * Called by usb.c: the firmware check before anything else, routing after the firmware handoff of the xHCI and before its setup, so
 * the moved ports connect on a controller that is ours; the rest from usb_shutdown. Pure
 * over the pci_dev's configuration access: tests/unit/drivers/usb/test_xhci_intel.c runs
 * it on a simulated chipset.
 */
#include <lios/pci.h>
#include <lios/printk.h>
#include "usb_internal.h"

#define PCI_SUBSYSTEM_VENDOR 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define SONY_VENDOR 0x104d
#define SONY_VAIO_T 0x90a8
#define RENESAS_FW_STATUS 0xf4  /* 16 bits */
#define RENESAS_ROM_STATUS 0xf6 /* 16 bits */
#define RENESAS_FW_LOCKED (1u << 1)
#define RENESAS_FW_RESULT(v) (((v) >> 4) & 7u)
#define RENESAS_FW_SUCCESS 1u
#define RENESAS_ROM_PRESENT (1u << 15)

/*
 * xhci_intel_route - on an Intel xHCI that shares its ports with an Intel EHCI
 * (intel_ehci: the caller found one), move every port the firmware's masks allow to the
 * xHCI and say so on the log ("usb: <name>: Intel shared ports to xHCI: USB 3 ..."),
 * warning when a routing register did not take the value. r (may be NULL) receives the
 * masks and the registers before and after (after = before when nothing moved). Returns XHCI_ROUTE_NOT_SHARED (not such a controller: nothing
 * read or written), _KEPT (Sony quirk, or masks of 0: firmware allows no move), _SWITCHED
 * (both registers now hold their masks) or _STUCK (one did not). Boot, before xhci_setup.
 */
enum xhci_route xhci_intel_route(const struct pci_dev *pd, bool intel_ehci, const char *name,
				 struct xhci_route_regs *r)
{
	struct xhci_route_regs v = { 0 };

	if (pd->vendor != PCI_VENDOR_INTEL || !intel_ehci)
		return XHCI_ROUTE_NOT_SHARED;
	v.usb3_mask = pci_read32(pd, XHCI_INTEL_USB3PRM);
	v.usb2_mask = pci_read32(pd, XHCI_INTEL_XUSB2PRM);
	v.usb3_before = v.usb3_after = pci_read32(pd, XHCI_INTEL_USB3_PSSEN);
	v.usb2_before = v.usb2_after = pci_read32(pd, XHCI_INTEL_XUSB2PR);
	if (r)
		*r = v;
	if (pci_read16(pd, PCI_SUBSYSTEM_VENDOR) == SONY_VENDOR &&
	    pci_read16(pd, PCI_SUBSYSTEM_ID) == SONY_VAIO_T) {
		printk(KERN_INFO
		       "usb: %s: Intel shared ports left on EHCI (Sony VAIO T: the switch hangs it)\n",
		       name);
		return XHCI_ROUTE_KEPT;
	}
	if (v.usb3_mask == 0xffffffffu || v.usb2_mask == 0xffffffffu ||
	    (!v.usb3_mask && !v.usb2_mask)) {
		printk(KERN_WARN
		       "usb: %s: Intel shared ports: firmware lets none move to the xHCI (masks %#x, %#x); "
		       "devices on EHCI ports are not seen\n",
		       name, v.usb3_mask, v.usb2_mask);
		return XHCI_ROUTE_KEPT;
	}
	pci_write32(pd, XHCI_INTEL_USB3_PSSEN, v.usb3_mask);
	pci_write32(pd, XHCI_INTEL_XUSB2PR, v.usb2_mask);
	v.usb3_after = pci_read32(pd, XHCI_INTEL_USB3_PSSEN);
	v.usb2_after = pci_read32(pd, XHCI_INTEL_XUSB2PR);
	if (r)
		*r = v;
	if (v.usb3_after != v.usb3_mask || v.usb2_after != v.usb2_mask) {
		printk(KERN_WARN
		       "usb: %s: Intel shared ports: routing did not take: USB 3 %#x (wanted %#x), "
		       "USB 2 %#x (wanted %#x)\n",
		       name, v.usb3_after, v.usb3_mask, v.usb2_after, v.usb2_mask);
		return XHCI_ROUTE_STUCK;
	}
	printk(KERN_INFO
	       "usb: %s: Intel shared ports to xHCI: USB 3 %#x -> %#x, USB 2 %#x -> %#x\n",
	       name, v.usb3_before, v.usb3_after, v.usb2_before, v.usb2_after);
	return XHCI_ROUTE_SWITCHED;
}

/*
 * xhci_intel_unroute - give the ports back as firmware left them (r: what
 * xhci_intel_route found; only after it returned _SWITCHED or _STUCK), SuperSpeed first.
 * Before a reboot or power-off, with the controller halted.
 */
void xhci_intel_unroute(const struct pci_dev *pd, const struct xhci_route_regs *r)
{
	pci_write32(pd, XHCI_INTEL_USB3_PSSEN, r->usb3_before);
	pci_write32(pd, XHCI_INTEL_XUSB2PR, r->usb2_before);
}

/* xhci_intel_wakes_from_s5 - Lynx Point-LP (9c31) and Wildcat Point-LP (9cb1): reset and
 * D3hot before S5, or the machine wakes again. Pure. */
bool xhci_intel_wakes_from_s5(const struct pci_dev *pd)
{
	return pd->vendor == PCI_VENDOR_INTEL && (pd->device == 0x9c31 || pd->device == 0x9cb1);
}

/* xhci_renesas_needs_firmware - see usb_internal.h. Reads two configuration words. */
bool xhci_renesas_needs_firmware(const struct pci_dev *pd)
{
	uint16_t fw, rom;

	if (pd->vendor != PCI_VENDOR_RENESAS || (pd->device != 0x0014 && pd->device != 0x0015))
		return false;
	fw = pci_read16(pd, RENESAS_FW_STATUS);
	rom = pci_read16(pd, RENESAS_ROM_STATUS);
	return !(fw & RENESAS_FW_LOCKED) && RENESAS_FW_RESULT(fw) != RENESAS_FW_SUCCESS &&
	       !(rom & RENESAS_ROM_PRESENT);
}
