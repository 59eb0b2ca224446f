// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of the USB stack on the machine it runs on (CI: QEMU with a
 * qemu-xhci, a usb-kbd and a usb-tablet, selftest.*.usb). Each waits (bounded) for the
 * tick to finish enumerating, then checks: the controller runs with the state setup gave
 * it, boot waited for every device present (behind hubs too), a port without a device is
 * powered, empty and holds nothing, and a device that is not a keyboard is enumerated and
 * left alone (no driver, not counted as a keyboard), and
 * the controller's MSI/MSI-X handler consumes events (or, polled, the tick alone does),
 * and a keyboard whose endpoint 0 stalls is recovered and answers the next request.
 * Tests skip on machines without the hardware they need.
 */
#include <lios/arch.h>
#include <lios/cmdline.h>
#include <lios/kmalloc.h>
#include <lios/printk.h>
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

/* Boot waited for every device present, those behind hubs too (usb_init, self-test boots
 * only): none was found since. It counted only the hub before, its devices came during the
 * tests that count heap allocations. */
KTEST(usb, boot_waited_for_every_device)
{
	unsigned int now;

	if (!usb_controllers)
		ktest_skip("no xHCI controller");
	/* the command line, not the flag under test, says whether boot had to wait */
	if (!cmdline_has("selftest"))
		ktest_skip("boot did not wait for USB devices (not a self-test boot)");
	KASSERT(usb_boot_waited);
	KEXPECT(usb_wait_settled(SETTLE_TIMEOUT_MS));
	now = usb_live_devices();
	printk("# usb: %u devices when boot went on, %u now\n", usb_boot_devices, now);
	KEXPECT(now == usb_boot_devices);
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

/* With MSI/MSI-X the controller interrupts and its handler consumes events (enumeration
 * produced some); polled (`noapic`, usb.poll) it raises nothing and the tick does it all. */
KTEST(usb, interrupt_path_used)
{
	if (!usb_controllers)
		ktest_skip("no xHCI controller");
	usb_wait_settled(SETTLE_TIMEOUT_MS);
	for (struct xhci *hc = usb_controllers; hc; hc = hc->next) {
		uint32_t iman = xhci_read(hc, hc->rt + XHCI_IR(0) + XHCI_IMAN);

		if (!hc->irq_kind) {
			KEXPECT(!(iman & XHCI_IMAN_IE));
			KEXPECT(hc->irqs == 0);
			KEXPECT(hc->tick_events > 0);
			printk(KERN_INFO "usb: %s: polled, %lu events by tick\n", hc->name,
			       (unsigned long)hc->tick_events);
			continue;
		}
		KEXPECT(iman & XHCI_IMAN_IE);
		KEXPECT(xhci_read(hc, hc->op + XHCI_USBCMD) & XHCI_CMD_INTE);
		KEXPECT(hc->irqs > 0);
		KEXPECT(hc->irq_events > 0);
		printk(KERN_INFO
		       "usb: %s: %s, %lu interrupts, events %lu by interrupt, %lu by tick\n",
		       hc->name, hc->irq_kind, (unsigned long)hc->irqs,
		       (unsigned long)hc->irq_events, (unsigned long)hc->tick_events);
	}
}

/* Endpoint 0 stall recovery on a real keyboard: a request it stalls, Reset Endpoint and Set
 * TR Dequeue Pointer (usb_enum_cmd.c), then a request it answers. */
KTEST(usb, ep0_stall_recovered)
{
	int stalled = -1, after = -1;

	if (!usb_controllers || !usb_kbd_count())
		ktest_skip("no USB keyboard");
	KASSERT(usb_kbd_stall_probe());
	for (int ms = 0; ms < 3000 && after < 0; ms += 10) {
		timer_sleep_ms(10);
		usb_kbd_probe_result(&stalled, &after);
	}
	KEXPECT(stalled == XHCI_CC_STALL);
	KEXPECT(after == XHCI_CC_SUCCESS);
	KEXPECT(usb_kbd_count() > 0); /* still a keyboard, not refused */
}
