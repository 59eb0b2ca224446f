// SPDX-License-Identifier: MIT
/*
 * The xHCI commands a USB device's life sends besides Enable and Disable Slot (xHCI 1.2
 * sections 4.6.5-4.6.10), each with the input context it carries: Address Device (slot and
 * endpoint 0 contexts), Evaluate Context (endpoint 0's max packet size), Configure Endpoint
 * (an interrupt IN endpoint, and a hub's slot fields), Reset Endpoint and Set TR Dequeue
 * Pointer, Stop Endpoint, and the recovery of endpoint 0 built from them: halted (Reset
 * Endpoint, Set TR Dequeue Pointer) or stuck on a request never answered (Stop Endpoint, Set
 * TR Dequeue Pointer). usb_enum.c's
 * state machine decides when; this file only fills contexts and queues commands. Each
 * command returns false, nothing changed, while another holds the command ring: the caller
 * asks again on its next step. Recoveries of endpoint 0 in a row, halts and requests never
 * answered alike, are counted (d->ep0_stalls, back to 0 whenever a request completes:
 * xhci_ring.c): past EP0_MAX_RECOVERIES the device is refused, so one that halts or ignores
 * every request is given up even where each request alone is optional and the class driver
 * goes on without its answer (SET_IDLE, the LED report). Tick context throughout.
 */
#include <lios/kmalloc.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "usb_internal.h"

#define EP0_MAX_RECOVERIES 16 /* halts or requests never answered in a row a device is forgiven */

/* Slot context of the input context, rewritten whole. A hub's: the Hub flag, its port
 * count and, for a high-speed hub, its TT think time (wHubCharacteristics bits 6:5, in
 * units of 8 full-speed bit times), which the controller schedules split transactions by.
 * Multi-TT stays off: hubs run in their default single-TT setting. */
static void fill_slot(struct usb_dev *d, unsigned int entries, const struct usb_hub_info *hub)
{
	uint32_t *slot = xhci_ctx(d->hc, d->in_ctx, 1);

	slot[0] = XHCI_SLOT_ROUTE(d->route) | XHCI_SLOT_SPEED(d->speed) |
		  XHCI_SLOT_ENTRIES(entries) | (hub ? XHCI_SLOT_HUB : 0);
	slot[1] =
		XHCI_SLOT_ROOT_PORT(d->root_port) | (hub ? XHCI_SLOT_NUM_PORTS(hub->num_ports) : 0);
	slot[2] = XHCI_SLOT_TT_HUB(d->tt_slot) | XHCI_SLOT_TT_PORT(d->tt_port);
	if (hub && d->speed == USB_SPEED_HIGH)
		slot[2] |= XHCI_SLOT_TTT(USB_HUB_TT_THINK(hub->characteristics));
}

static void fill_ep0(struct usb_dev *d)
{
	uint32_t *ep = xhci_ctx(d->hc, d->in_ctx, 1 + XHCI_DCI_EP0);

	ep[1] = XHCI_EP_CERR(3) | XHCI_EP_TYPE(XHCI_EP_TYPE_CONTROL) | XHCI_EP_MPS(d->mps0);
	ep[2] = (uint32_t)d->ep0.phys | d->ep0.cycle;
	ep[3] = (uint32_t)(d->ep0.phys >> 32);
	ep[4] = XHCI_EP_AVG_TRB(8);
}

/* usb_dev_address - Address Device for d's new slot, endpoint 0's max packet size the one
 * its speed suggests; false (nothing changed) while another command holds the ring. Tick
 * context. */
bool usb_dev_address(struct usb_dev *d)
{
	uint32_t *icc = xhci_ctx(d->hc, d->in_ctx, 0);

	if (d->hc->cmd_busy)
		return false;
	d->hc->slot_dev[d->slot] = d;
	memset(d->in_ctx, 0, USB_DEV_PAGE);
	d->mps0 = d->speed == USB_SPEED_SUPER ? 512 : d->speed == USB_SPEED_HIGH ? 64 : 8;
	icc[XHCI_ICC_ADD] = 1u << 0 | 1u << XHCI_DCI_EP0;
	fill_slot(d, 1, NULL);
	fill_ep0(d);
	d->hc->dcbaa[d->slot] = d->out_ctx_phys;
	return xhci_command(d->hc, d, (uint32_t)d->in_ctx_phys, (uint32_t)(d->in_ctx_phys >> 32), 0,
			    TRB_TYPE(TRB_ADDRESS_DEVICE) | TRB_SLOT(d->slot), "Address Device");
}

/* usb_dev_evaluate_mps0 - Evaluate Context with the max packet size the device descriptor
 * gave; false (nothing changed) while another command holds the ring. Tick context. */
bool usb_dev_evaluate_mps0(struct usb_dev *d, uint16_t mps)
{
	uint32_t *icc = xhci_ctx(d->hc, d->in_ctx, 0);

	if (d->hc->cmd_busy)
		return false;
	d->mps0 = mps;
	memset(d->in_ctx, 0, USB_DEV_PAGE);
	icc[XHCI_ICC_ADD] = 1u << XHCI_DCI_EP0;
	fill_ep0(d);
	return xhci_command(d->hc, d, (uint32_t)d->in_ctx_phys, (uint32_t)(d->in_ctx_phys >> 32), 0,
			    TRB_TYPE(TRB_EVALUATE_CTX) | TRB_SLOT(d->slot), "Evaluate Context");
}

/*
 * usb_dev_configure_ep - Configure Endpoint for ep (an interrupt IN endpoint) with a fresh
 * ring and a buffer for the longest transfer d may ask for (xhci_intr_len, or more when its
 * class driver said so in d->intr_len_max), and the hub fields of the slot when hub is a
 * hub's descriptor (NULL otherwise).
 * False when the command ring is busy or
 * memory ran out (the device is then refused); ask again on the next step.
 */
bool usb_dev_configure_ep(struct usb_dev *d, const struct usb_endpoint_info *ep,
			  const struct usb_hub_info *hub)
{
	uint8_t dci = (uint8_t)(2 * (ep->address & USB_EP_NUM_MASK) + 1);
	uint32_t *icc = xhci_ctx(d->hc, d->in_ctx, 0);
	uint32_t *epc = xhci_ctx(d->hc, d->in_ctx, 1 + dci);

	if (d->hc->cmd_busy)
		return false;
	if (!d->intr.trb) {
		if (xhci_intr_buf_alloc(d, MAX(xhci_intr_len(d), d->intr_len_max)) ||
		    xhci_ring_init(&d->intr)) {
			usb_dev_refuse(d, "out of memory for the interrupt ring");
			return false;
		}
	}
	d->intr_dci = dci;
	memset(d->in_ctx, 0, USB_DEV_PAGE);
	icc[XHCI_ICC_ADD] = 1u << 0 | 1u << dci;
	fill_slot(d, dci, hub);
	epc[0] = XHCI_EP_INTERVAL(usb_xhci_interval(d->speed, ep->interval));
	epc[1] = XHCI_EP_CERR(3) | XHCI_EP_TYPE(XHCI_EP_TYPE_INT_IN) | XHCI_EP_MPS(ep->max_packet);
	epc[2] = (uint32_t)d->intr.phys | d->intr.cycle;
	epc[3] = (uint32_t)(d->intr.phys >> 32);
	epc[4] =
		XHCI_EP_AVG_TRB(MIN(ep->max_packet, (uint16_t)8)) | XHCI_EP_ESIT_LO(ep->max_packet);
	return xhci_command(d->hc, d, (uint32_t)d->in_ctx_phys, (uint32_t)(d->in_ctx_phys >> 32), 0,
			    TRB_TYPE(TRB_CONFIGURE_EP) | TRB_SLOT(d->slot), "Configure Endpoint");
}

/* usb_ep_reset - queue Reset Endpoint for d's endpoint dci (xHCI 4.6.8). False when the
 * command ring is busy. Tick context. */
bool usb_ep_reset(struct usb_dev *d, unsigned int dci)
{
	return xhci_command(d->hc, d, 0, 0, 0,
			    TRB_TYPE(TRB_RESET_EP) | TRB_SLOT(d->slot) | TRB_EP(dci),
			    "Reset Endpoint");
}

/* usb_ep_skip_to_enqueue - queue Set TR Dequeue Pointer (xHCI 4.6.10) of d's endpoint dci to
 * ring r's enqueue point and cycle state: the TRBs still queued on it are skipped. False when
 * the command ring is busy. Tick context. */
bool usb_ep_skip_to_enqueue(struct usb_dev *d, const struct xhci_ring *r, unsigned int dci)
{
	uint64_t deq = r->phys + r->enq * sizeof(struct xhci_trb);

	return xhci_command(d->hc, d, (uint32_t)deq | r->cycle, (uint32_t)(deq >> 32), 0,
			    TRB_TYPE(TRB_SET_TR_DEQUEUE) | TRB_SLOT(d->slot) | TRB_EP(dci),
			    "Set TR Dequeue Pointer");
}

/* usb_ep_stop - queue Stop Endpoint (xHCI 4.6.9) for d's endpoint dci, Suspend clear: the
 * controller leaves the transfer it is on (a Transfer Event, Stopped or Stopped - Length
 * Invalid, may come before or after the command's completion) and the endpoint stays
 * Stopped until a doorbell. False when the command ring is busy. Tick context. */
bool usb_ep_stop(struct usb_dev *d, unsigned int dci)
{
	return xhci_command(d->hc, d, 0, 0, 0,
			    TRB_TYPE(TRB_STOP_EP) | TRB_SLOT(d->slot) | TRB_EP(dci),
			    "Stop Endpoint");
}

/* Endpoint 0 of d halted or is being stopped on a request: behind a high-speed hub's
 * transaction translator (a low- or full-speed device), that hub is asked to clear the
 * translator's buffer the split transaction may hold (usb_hub_clear_tt), while the
 * endpoint is reset or moved past the request. */
static void tt_clear(struct usb_dev *d)
{
	struct usb_dev *tt =
		d->tt_slot && d->tt_slot <= d->hc->max_slots ? d->hc->slot_dev[d->tt_slot] : NULL;

	if (tt && tt->driver == USB_DRV_HUB)
		usb_hub_clear_tt(tt, d);
}

/* One more recovery of endpoint 0 in a row, for d->halted_op: true while d is forgiven it;
 * past EP0_MAX_RECOVERIES, d is refused, saying so with the last request (false). A
 * request found halted while it was being stopped counts once, as the timeout it was. */
static bool recovery_forgiven(struct usb_dev *d)
{
	static char msg[USB_REFUSED_WHY_SIZE]; /* the longest op (the stall probe's) fits */

	if (++d->ep0_stalls <= EP0_MAX_RECOVERIES)
		return true;
	ksnprintf(msg, sizeof(msg),
		  "endpoint 0 keeps halting or not answering: %u times in a row, the last on %s",
		  d->ep0_stalls, d->halted_op);
	usb_dev_refuse(d, msg);
	return false;
}

/* Endpoint 0 stopped, its request never answered, has been moved past it: the state that
 * sent it sees USB_CC_TIMED_OUT and decides. */
static bool ep0_stop_done(struct usb_dev *d)
{
	d->ep0_recover = EP0_RECOVER_NONE;
	d->cc = d->halted_cc;
	d->op = d->halted_op;
	printk(KERN_DEBUG "usb: %s: %s: no answer, endpoint 0 stopped and moved past it\n", d->name,
	       d->op);
	return true;
}

/* Stop Endpoint did not do its part: d is refused for the request and why the endpoint
 * could not be freed of it. */
static void ep0_stop_failed(struct usb_dev *d)
{
	static char msg[USB_REFUSED_WHY_SIZE];

	if (d->cc)
		ksnprintf(msg, sizeof(msg), "no answer to %s (Stop Endpoint failed, code %u)",
			  d->halted_op, d->cc);
	else
		ksnprintf(msg, sizeof(msg), "no answer to %s (Stop Endpoint not answered)",
			  d->halted_op);
	usb_dev_refuse(d, msg);
}

/*
 * A control transfer never answered (usb_dev_step, at its deadline): Stop Endpoint, then
 * Set TR Dequeue Pointer to our enqueue point, past the request (the Stopped Transfer Event
 * for it is ignored, whichever side of the command's completion it comes: xhci_ring.c).
 * Stop Endpoint ends in Context State Error when the endpoint was not running (already
 * stopped, or halted on the request just before the stop): Set TR Dequeue Pointer is tried
 * anyway, and when that finds the endpoint halted (Context State Error too) the halt
 * recovery below takes over. A Stop Endpoint never answered (aborted) or failed refuses d.
 * One step of it; true when d may take its next step now.
 */
static bool ep0_stop_step(struct usb_dev *d)
{
	switch (d->ep0_recover) {
	case EP0_RECOVER_STOP:
		if (!recovery_forgiven(d))
			return false; /* refused: Disable Slot ends the request */
		if (usb_ep_stop(d, XHCI_DCI_EP0)) {
			d->ep0_recover = EP0_RECOVER_STOPPING;
			tt_clear(d);
		} else {
			d->ep0_stalls--; /* the command ring is busy: again next tick */
		}
		return false;
	case EP0_RECOVER_STOPPING:
		if (d->cc != XHCI_CC_SUCCESS && d->cc != XHCI_CC_CONTEXT_STATE) {
			ep0_stop_failed(d);
			return false;
		}
		if (usb_ep_skip_to_enqueue(d, &d->ep0, XHCI_DCI_EP0))
			d->ep0_recover = EP0_RECOVER_SKIPPING;
		return false;
	default: /* EP0_RECOVER_SKIPPING */
		if (d->cc == XHCI_CC_CONTEXT_STATE) {
			d->ep0_recover = EP0_RECOVER_RESET; /* halted after all: reset it */
			return false;
		}
		if (!usb_dev_ok(d))
			return false;
		return ep0_stop_done(d);
	}
}

/*
 * Endpoint 0 halted (a STALL handshake, babble, a transaction or split transaction error:
 * xHCI 4.10.2): Reset Endpoint, then Set TR Dequeue Pointer to our enqueue point, so the
 * TRBs left of the failed transfer are skipped and the next request starts clean. Then the
 * state that issued the request sees its completion code and decides: most refuse the
 * device ("... stalled"), a request a device may reject (SET_IDLE, the LED report) goes on.
 * usb_dev_ep0_recover_step - one step of that, or of stopping endpoint 0 stuck on a request
 * never answered (ep0_stop_step); true when d may take its next step now. Tick context.
 */
bool usb_dev_ep0_recover_step(struct usb_dev *d)
{
	switch (d->ep0_recover) {
	case EP0_RECOVER_STOP:
	case EP0_RECOVER_STOPPING:
	case EP0_RECOVER_SKIPPING:
		return ep0_stop_step(d);
	case EP0_RECOVER_RESET: {
		/* a request stopped and found halted was counted as it was stopped */
		bool counted = d->halted_cc != USB_CC_TIMED_OUT;

		if (counted && !recovery_forgiven(d))
			return false;
		if (usb_ep_reset(d, XHCI_DCI_EP0)) {
			d->ep0_recover = EP0_RECOVER_DEQUEUE;
			if (counted) /* a stopped request's translator is cleared already */
				tt_clear(d);
		} else if (counted) {
			d->ep0_stalls--; /* the command ring is busy: again next tick */
		}
		return false;
	}
	case EP0_RECOVER_DEQUEUE:
		if (!usb_dev_ok(d))
			return false;
		if (usb_ep_skip_to_enqueue(d, &d->ep0, XHCI_DCI_EP0))
			d->ep0_recover = EP0_RECOVER_DONE;
		return false;
	default:
		if (!usb_dev_ok(d))
			return false;
		if (d->halted_cc == USB_CC_TIMED_OUT)
			return ep0_stop_done(d); /* stopped, found halted, reset */
		d->ep0_recover = EP0_RECOVER_NONE;
		d->cc = d->halted_cc;
		d->op = d->halted_op;
		printk(KERN_INFO "usb: %s: %s: endpoint 0 halted (code %u), reset\n", d->name,
		       d->op, d->cc);
		return true;
	}
}
