// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of the USB stack on the machine it runs on (CI: QEMU with a
 * qemu-xhci, a usb-kbd and a usb-tablet, selftest.*.usb). Each waits (bounded) for the
 * tick to finish enumerating, then checks: the controller runs with the state setup gave
 * it, a port without a device is powered, empty and holds nothing, and a device that is
 * not a keyboard is enumerated and left alone (no driver, not counted as a keyboard).
 * Tests skip on machines without the hardware they need.
 */
#include <lios/arch.h>
#include <lios/kmalloc.h>
#include <lios/selftest.h>
#include <lios/time.h>
#include <lios/timer.h>
#include <lios/usb.h>
#include "usb_internal.h"

#define SETTLE_TIMEOUT_MS 5000

/* Running, no error, the slots and rings setup programmed. */
KTEST(usb, controller_state_after_init)
{
	if (!usb_controllers)
		ktest_skip("no xHCI controller");
	KEXPECT(usb_wait_settled(SETTLE_TIMEOUT_MS));
	for (struct xhci *hc = usb_controllers; hc; hc = hc->next) {
		uint32_t sts = xhci_read(hc, hc->op + XHCI_USBSTS);

		KEXPECT(!hc->dead);
		KEXPECT(xhci_read(hc, hc->op + XHCI_USBCMD) & XHCI_CMD_RUN);
		KEXPECT(!(sts & (XHCI_STS_HCH | XHCI_STS_HSE | XHCI_STS_HCE | XHCI_STS_CNR)));
		KEXPECT((xhci_read(hc, hc->op + XHCI_CONFIG) & 0xff) == hc->max_slots);
		KEXPECT(xhci_read(hc, hc->op + XHCI_DCBAAP) == (uint32_t)virt_to_phys(hc->dcbaa));
		KEXPECT(hc->ctx_size == 32 || hc->ctx_size == 64);
		KEXPECT(!hc->cmd_busy);
		KEXPECT(xhci_read(hc, hc->rt + XHCI_IR(0) + XHCI_ERSTSZ) == 1);
	}
}

/* A port nothing is plugged into: powered, empty, no device. */
KTEST(usb, port_without_device)
{
	bool found = false;

	if (!usb_controllers)
		ktest_skip("no xHCI controller");
	usb_wait_settled(SETTLE_TIMEOUT_MS);
	for (struct xhci *hc = usb_controllers; hc; hc = hc->next)
		for (unsigned int p = 1; p <= hc->max_ports; p++) {
			uint32_t v = xhci_read(hc, hc->op + XHCI_PORTSC(p));

			if (v & XHCI_PORTSC_CCS)
				continue;
			found = true;
			KEXPECT(v & XHCI_PORTSC_PP);
			KEXPECT(!(v & XHCI_PORTSC_PED));
			KEXPECT(hc->port[p].state == PORT_EMPTY);
			KEXPECT(hc->port[p].dev == NULL);
		}
	if (!found)
		ktest_skip("every port has a device");
}

/* A device without a driver (QEMU's usb-tablet) is addressed, described and left alone. */
KTEST(usb, non_keyboard_left_alone)
{
	unsigned int others = 0, kbds = 0;
	uint64_t flags;

	if (!usb_controllers)
		ktest_skip("no xHCI controller");
	usb_wait_settled(SETTLE_TIMEOUT_MS);
	flags = arch_irq_save();
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next) {
		if (d->driver == USB_DRV_KBD)
			kbds++;
		if (d->driver != USB_DRV_NONE || d->failed || d->gone)
			continue;
		others++;
		KEXPECT(d->slot != 0);
		KEXPECT(d->desc.vendor || d->desc.product);
		KEXPECT(d->kbd == NULL && d->hub == NULL);
		KEXPECT(d->intr.trb == NULL); /* no endpoint configured */
	}
	arch_irq_restore(flags);
	KEXPECT(usb_kbd_count() == kbds);
	if (!others)
		ktest_skip("no device without a driver");
}
