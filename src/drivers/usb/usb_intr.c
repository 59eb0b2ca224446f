// SPDX-License-Identifier: MIT
/*
 * Interrupt IN endpoints that fail (xHCI 1.2 section 4.10.2, USB 2.0 section 9.4.5): a
 * keyboard's report endpoint or a hub's status change endpoint. A transfer that ends in
 * STALL, babble, a USB transaction error or a split transaction error halts the endpoint
 * on the controller's side; it polls no more until software resets it. A single such error
 * (a noisy cable, a glitch behind a hub's transaction translator) used to refuse the device,
 * a keyboard dead until unplugged and a hub taking its devices with it; now the endpoint is
 * reset and polled again, like endpoint 0 (usb_enum_cmd.c), and only INTR_MAX_ERRORS failures
 * in a row, no transfer completing in between, refuse it. The device's side is reset too,
 * with CLEAR_FEATURE(ENDPOINT_HALT): it clears a STALL and puts both ends back on DATA0, so
 * no report is dropped as a toggle repeat. A keyboard releases its keys when it halts: the
 * report that let one go may be the one lost.
 *
 * Host-tested in test_usb_intr (a keyboard behind a hub, a hub's own endpoint; a halt while
 * a request is in flight; a code no halt explains) on the simulated controller.
 */
#include <lios/printk.h>
#include <lios/string.h>
#include "usb_internal.h"

#define INTR_MAX_ERRORS 8 /* failed interrupt transfers in a row forgiven */

/* Standard request CLEAR_FEATURE(ENDPOINT_HALT) to an endpoint (USB 2.0 tables 9-4, 9-6). */
#define USB_REQ_CLEAR_FEATURE 0x01
#define USB_RT_EP_OUT 0x02
#define USB_FEATURE_ENDPOINT_HALT 0

/*
 * usb_dev_intr_error - an interrupt IN transfer of d ended with completion code cc (not
 * success, not short packet). The codes that halt the endpoint (xHCI 4.10.2: STALL, babble,
 * a transaction or split transaction error) start its reset (usb_dev_intr_recover_step); a
 * keyboard lets go of its keys first. A Missed Service Error retires the transfer without
 * data: one more is queued. Any other code, or more than INTR_MAX_ERRORS failures in a row,
 * refuses d. Tick context, or the controller's interrupt (xhci_process_events).
 */
void usb_dev_intr_error(struct usb_dev *d, uint32_t cc)
{
	static char msg[64];

	if (d->intr_recover || d->gone || d->failed)
		return;
	if (++d->intr_errors > INTR_MAX_ERRORS) {
		ksnprintf(msg, sizeof(msg), "interrupt endpoint keeps failing (completion code %u)",
			  cc);
		usb_dev_refuse(d, msg);
		return;
	}
	if (cc == XHCI_CC_MISSED_SERVICE) {
		xhci_intr_queue(d);
		xhci_ring_doorbell(d->hc, d->slot, d->intr_dci);
		return;
	}
	if (cc != XHCI_CC_STALL && cc != XHCI_CC_BABBLE && cc != XHCI_CC_USB_TRANSACTION &&
	    cc != XHCI_CC_SPLIT_TRANSACTION) {
		ksnprintf(msg, sizeof(msg), "interrupt transfer failed (completion code %u)", cc);
		usb_dev_refuse(d, msg);
		return;
	}
	printk(KERN_WARN "usb: %s: interrupt endpoint halted (code %u): resetting it\n", d->name,
	       cc);
	if (d->driver == USB_DRV_KBD)
		usb_kbd_release_all(d);
	d->intr_recover = INTR_RECOVER_RESET;
}

/*
 * usb_dev_intr_recover_step - d's interrupt endpoint halted: Reset Endpoint, Set TR Dequeue Pointer to our enqueue point
 * (the transfers left queued are dropped), CLEAR_FEATURE(ENDPOINT_HALT) so that the device
 * clears its own halt and both ends restart at DATA0 (USB 2.0 9.4.5), then transfers queued
 * afresh. The outcome of the operation before (which its state has not seen yet) is kept
 * meanwhile and put back. A step of it that fails refuses d. True when d may go on now.
 * Tick context (usb_dev_step), d not busy.
 */
bool usb_dev_intr_recover_step(struct usb_dev *d)
{
	switch (d->intr_recover) {
	case INTR_RECOVER_RESET:
		if (d->hc->cmd_busy)
			return false; /* the command ring is busy: again next tick */
		d->kept_cc = d->cc; /* what d's state waits for, before the commands overwrite it */
		d->kept_residual = d->residual;
		d->kept_op = d->op;
		usb_ep_reset(d, d->intr_dci); /* the ring was seen free just above */
		d->intr_recover = INTR_RECOVER_DEQUEUE;
		return false;
	case INTR_RECOVER_DEQUEUE:
		if (!usb_dev_ok(d))
			return false;
		if (usb_ep_skip_to_enqueue(d, &d->intr, d->intr_dci))
			d->intr_recover = INTR_RECOVER_CLEAR;
		return false;
	case INTR_RECOVER_CLEAR:
		if (!usb_dev_ok(d))
			return false;
		xhci_control(d, USB_RT_EP_OUT, USB_REQ_CLEAR_FEATURE, USB_FEATURE_ENDPOINT_HALT,
			     d->cfg.iface[d->iface].int_in.address, 0,
			     "CLEAR_FEATURE(ENDPOINT_HALT)");
		d->intr_recover = INTR_RECOVER_DONE;
		return false;
	default:
		if (!usb_dev_ok(d))
			return false;
		d->intr_recover = INTR_RECOVER_NONE;
		d->cc = d->kept_cc;
		d->residual = d->kept_residual;
		d->op = d->kept_op;
		d->intr_deq = d->intr.enq;
		for (int i = 0; i < XHCI_INTR_QUEUED; i++)
			xhci_intr_queue(d);
		xhci_ring_doorbell(d->hc, d->slot, d->intr_dci);
		printk(KERN_INFO "usb: %s: interrupt endpoint reset\n", d->name);
		return true;
	}
}
