// SPDX-License-Identifier: MIT
/*
 * TRB rings and the events that complete them (xHCI 1.2 sections 4.9-4.11, 6.4). A
 * producer ring (the command ring, each device's endpoint 0 and interrupt IN ring) is one
 * page of XHCI_RING_TRBS TRBs whose last TRB links back to the first with Toggle Cycle; a
 * TRB is handed to the controller by writing its control dword, with the producer cycle
 * bit, last. The event ring is one segment the controller fills; we consume while the cycle
 * bit of the next event matches ours, then write ERDP once.
 *
 * One operation is in flight per device (its state machine waits for it: usb_enum.c) and
 * one command per controller; a command asked for while another runs is refused and the
 * state machine asks again on the next tick. Completions are matched by TRB address
 * (commands, control stages) or slot and endpoint (interrupt transfers). A control transfer
 * sets IOC on its data stage (for the residual length) and on its status stage (the end).
 *
 * A control transfer not done in 2 s is given up on by usb_enum.c, which stops endpoint 0
 * (Stop Endpoint) and moves its dequeue past it; the Stopped event that names it is
 * ignored here, whenever it comes.
 *
 * A command not done in 2 s is aborted (4.6.1.2: CRCR.CA), never just forgotten: the ring
 * would stay stuck behind it, and a completion that came later (an Enable Slot's slot)
 * would be lost. Its owner keeps waiting until the controller says what became of it: the
 * completion it gives, even after the timeout, is the outcome (Command Aborted counts as no
 * answer), and the Command Ring Stopped event that follows frees the ring for the next
 * command, whose doorbell restarts it. A ring that has not stopped (CRCR.CRR still set)
 * 5 s after the abort marks the controller failed: xhci_tick resets it (xhci_health.c).
 */
#include <lios/errno.h>
#include <lios/kmalloc.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/time.h>
#include "usb_internal.h"

#define PAGE 4096
#define CMD_TIMEOUT_US 2000000     /* a command or control transfer not done in 2 s: refused */
#define CMD_ABORT_TIMEOUT_US 5000000 /* the ring not stopped 5 s after an abort (as Linux) */
#define EVENTS_PER_POLL 64         /* bound the work of one tick */

/* Order the TRB's body before its cycle bit (x86 keeps stores in order: only the compiler
 * must not move them), and TRBs before the doorbell write. */
static inline void wmb_compiler(void) { __atomic_signal_fence(__ATOMIC_SEQ_CST); }

/* xhci_ring_init - a zeroed page of TRBs with the Link TRB at the end. 0 or -ENOMEM. */
int xhci_ring_init(struct xhci_ring *r)
{
	struct xhci_trb *link;

	r->trb = kzalloc(PAGE);
	if (!r->trb)
		return -ENOMEM;
	r->phys = virt_to_phys(r->trb);
	r->enq = 0;
	r->cycle = 1;
	link = &r->trb[XHCI_RING_TRBS - 1];
	link->d[0] = (uint32_t)r->phys;
	link->d[1] = (uint32_t)(r->phys >> 32);
	link->d[3] = TRB_TYPE(TRB_LINK) | TRB_LINK_TC; /* cycle 0: not yet the controller's */
	return 0;
}

/* xhci_ring_free - give the page back (the controller must no longer use the ring). */
void xhci_ring_free(struct xhci_ring *r)
{
	kfree(r->trb);
	r->trb = NULL;
}

/*
 * xhci_ring_push - write one TRB at the enqueue point and hand it over (the cycle bit is
 * added here). Returns its physical address. Passing the Link TRB hands it over too and
 * flips the producer cycle.
 */
uint64_t xhci_ring_push(struct xhci_ring *r, uint32_t d0, uint32_t d1, uint32_t d2, uint32_t d3)
{
	volatile struct xhci_trb *t = &r->trb[r->enq];
	uint64_t phys = r->phys + r->enq * sizeof(struct xhci_trb);

	t->d[0] = d0;
	t->d[1] = d1;
	t->d[2] = d2;
	wmb_compiler();
	t->d[3] = (d3 & ~TRB_CYCLE) | r->cycle;
	if (++r->enq == XHCI_RING_TRBS - 1) {
		volatile struct xhci_trb *link = &r->trb[r->enq];

		wmb_compiler();
		link->d[3] = (link->d[3] & ~TRB_CYCLE) | r->cycle;
		r->cycle ^= 1;
		r->enq = 0;
	}
	return phys;
}

/* xhci_ring_doorbell - ring doorbell slot (0: the command ring) for target (an endpoint's
 * DCI, 0 for commands). */
void xhci_ring_doorbell(struct xhci *hc, unsigned int slot, unsigned int target)
{
	wmb_compiler();
	xhci_write(hc, hc->db + 4 * slot, target);
}

/*
 * xhci_command - queue a command TRB for owner (may be NULL) and ring doorbell 0. Returns
 * false when another command is still in flight (ask again later). On completion
 * owner->busy clears with owner->cc set and, for Enable Slot, owner->slot; after a timeout
 * and its abort, with owner->cc 0 unless the command completed after all (top comment).
 * owner must not be freed before (usb_dev_step waits while it is hc->cmd_owner).
 */
bool xhci_command(struct xhci *hc, struct usb_dev *owner, uint32_t d0, uint32_t d1, uint32_t d2,
		  uint32_t d3, const char *op)
{
	if (hc->cmd_busy)
		return false;
	hc->cmd_busy = true;
	hc->cmd_owner = owner;
	hc->cmd_op = op;
	hc->cmd_deadline = deadline_us(CMD_TIMEOUT_US);
	if (owner) {
		owner->busy = true;
		owner->op = op;
		owner->deadline = hc->cmd_deadline;
		owner->cc = 0;
	}
	hc->cmd_trb_phys = xhci_ring_push(&hc->cmd, d0, d1, d2, d3);
	xhci_ring_doorbell(hc, 0, 0);
	return true;
}

/*
 * xhci_control - a control transfer on endpoint 0 of d: setup stage, a data stage of
 * length bytes into (IN) or from (OUT) d->buf when length > 0, status stage. d->busy is
 * set until it completes; then d->cc and d->residual tell how it went.
 */
void xhci_control(struct usb_dev *d, uint8_t req_type, uint8_t req, uint16_t value, uint16_t index,
		  uint16_t length, const char *op)
{
	bool in = req_type & USB_EP_DIR_IN;
	uint32_t trt = length ? (in ? TRB_TRT_IN : TRB_TRT_OUT) : TRB_TRT_NONE;

	d->busy = true;
	d->op = op;
	d->cc = 0;
	d->residual = 0;
	d->deadline = deadline_us(CMD_TIMEOUT_US);
	xhci_ring_push(&d->ep0, req_type | (uint32_t)req << 8 | (uint32_t)value << 16,
		       index | (uint32_t)length << 16, 8, TRB_TYPE(TRB_SETUP) | TRB_IDT | trt);
	d->data_trb_phys = 0;
	if (length)
		d->data_trb_phys = xhci_ring_push(&d->ep0, (uint32_t)d->buf_phys, (uint32_t)(d->buf_phys >> 32),
						  length, TRB_TYPE(TRB_DATA) | TRB_IOC | (in ? TRB_DIR_IN : 0));
	/* the status stage goes the other way: IN after no data or OUT data */
	d->status_trb_phys = xhci_ring_push(&d->ep0, 0, 0, 0,
					    TRB_TYPE(TRB_STATUS) | TRB_IOC | (length && in ? 0 : TRB_DIR_IN));
	xhci_ring_doorbell(d->hc, d->slot, XHCI_DCI_EP0);
}

/*
 * xhci_intr_buf_alloc - d's interrupt buffer (usb_internal.h) made for transfers of up to
 * max_len bytes (XHCI_INTR_LEN_MAX at most): XHCI_INTR_SLOTS slots of the power of two from
 * XHCI_INTR_LEN_DEFAULT up that holds them, in a page at least, which kmalloc page-aligns:
 * no slot crosses a page. It replaces the buffer d has, which no queued transfer may use
 * any more. 0, or -ENOMEM with d's buffer as it was. Tick context.
 */
int xhci_intr_buf_alloc(struct usb_dev *d, uint16_t max_len)
{
	uint16_t slot = XHCI_INTR_LEN_DEFAULT;
	uint8_t *buf;

	while (slot < max_len && slot < XHCI_INTR_LEN_MAX)
		slot *= 2;
	if (d->intr_buf && d->intr_slot == slot)
		return 0;
	buf = kzalloc(MAX((size_t)XHCI_INTR_SLOTS * slot, (size_t)PAGE));
	if (!buf)
		return -ENOMEM;
	kfree(d->intr_buf);
	d->intr_buf = buf;
	d->intr_buf_phys = virt_to_phys(buf);
	d->intr_slot = slot;
	return 0;
}

/* xhci_intr_len - bytes asked for per interrupt transfer queued from now on: a boot
 * keyboard sends 8, a hub 1-2, so its max packet up to XHCI_INTR_LEN_DEFAULT; a keyboard in
 * report protocol asks for d->intr_len, its longest input report or that if it is less.
 * Never more than a slot of d's buffer holds. */
uint16_t xhci_intr_len(const struct usb_dev *d)
{
	uint16_t len = d->intr_len ? d->intr_len
				   : MIN(d->cfg.iface[d->iface].int_in.max_packet,
					 (uint16_t)XHCI_INTR_LEN_DEFAULT);

	return d->intr_buf ? MIN(len, d->intr_slot) : len;
}

/* xhci_intr_queue - queue one interrupt IN transfer on d's interrupt ring, into the buffer
 * slot of its TRB's index; the caller rings the doorbell. */
void xhci_intr_queue(struct usb_dev *d)
{
	/* the slot its completion is read from (xhci_intr_data), at its physical address */
	uint64_t buf = d->intr_buf_phys + (uint64_t)(xhci_intr_data(d, d->intr.enq) - d->intr_buf);
	uint16_t len = xhci_intr_len(d);

	xhci_ring_push(&d->intr, (uint32_t)buf, (uint32_t)(buf >> 32), len,
		       TRB_TYPE(TRB_NORMAL) | TRB_IOC | TRB_ISP);
}

/* The command in flight is over: the ring takes the next one, its owner goes on. */
static void command_finish(struct xhci *hc)
{
	struct usb_dev *d = hc->cmd_owner;

	hc->cmd_busy = false;
	hc->cmd_aborting = false;
	hc->cmd_owner = NULL;
	if (d)
		d->busy = false;
}

/*
 * Command Ring Stopped after our abort, or CRCR.CRR seen clear without that event: the
 * command in flight is over. When it never completed, the ring may have stopped on its TRB
 * and the next doorbell would run it after all (an Enable Slot nobody waits for, a
 * Disable Slot of a slot given to another device since): it becomes a No Op.
 */
static void command_ring_stopped(struct xhci *hc)
{
	if (hc->cmd_trb_phys) {
		volatile struct xhci_trb *t =
			&hc->cmd.trb[(hc->cmd_trb_phys - hc->cmd.phys) / sizeof(struct xhci_trb)];

		t->d[0] = 0;
		t->d[1] = 0;
		t->d[2] = 0;
		wmb_compiler();
		t->d[3] = TRB_TYPE(TRB_NOOP_CMD) | (t->d[3] & TRB_CYCLE);
	}
	command_finish(hc);
}

static void command_done(struct xhci *hc, const struct xhci_trb *ev)
{
	uint64_t ptr = ev->d[0] | (uint64_t)ev->d[1] << 32;
	uint32_t cc = TRB_GET_CC(ev->d[2]);
	struct usb_dev *d = hc->cmd_owner;

	if (!hc->cmd_busy)
		return; /* nothing in flight: a completion made up or repeated */
	if (cc == XHCI_CC_CMD_RING_STOPPED) {
		if (hc->cmd_aborting)
			command_ring_stopped(hc);
		return;
	}
	if (!hc->cmd_trb_phys || ptr != hc->cmd_trb_phys)
		return; /* a completion we did not wait for */
	if (d) {
		unsigned int slot = TRB_GET_SLOT(ev->d[3]);

		d->cc = cc == XHCI_CC_CMD_ABORTED ? 0 : cc; /* aborted: "no answer to <op>" */
		/* Enable Slot's: only a slot the controller has and no device holds becomes d's
		 * (usb_enum.c refuses a device left without one; its teardown then touches no
		 * slot, neither the table past its end nor another device's slot); one that
		 * comes after the timeout too, so that d's teardown disables it */
		if (d->cc == XHCI_CC_SUCCESS && !d->slot && slot >= 1 && slot <= hc->max_slots &&
		    !hc->slot_dev[slot])
			d->slot = (uint8_t)slot;
	}
	if (!hc->cmd_aborting) {
		command_finish(hc);
		return;
	}
	/* completed (or aborted) while being aborted: nothing more comes for its TRB, and the
	 * ring is free once the Command Ring Stopped event that follows says so */
	hc->cmd_trb_phys = 0;
}

/*
 * The command in flight did not complete in CMD_TIMEOUT_US: abort it. Then, when the abort
 * has not stopped the ring in CMD_ABORT_TIMEOUT_US either (no Command Ring Stopped event):
 * a ring that did stop (CRR clear) is taken as stopped; one still running means the
 * controller is failed, and xhci_tick resets it.
 */
static void command_timed_out(struct xhci *hc)
{
	uint64_t next = hc->cmd.phys + hc->cmd.enq * sizeof(struct xhci_trb);

	if (hc->cmd_aborting) {
		if (xhci_read(hc, hc->op + XHCI_CRCR) & XHCI_CRCR_CRR)
			hc->cmd_ring_stuck = true;
		else
			command_ring_stopped(hc);
		return;
	}
	printk(KERN_WARN "usb: %s: command %s timed out: aborting it\n", hc->name, hc->cmd_op);
	hc->cmd_aborting = true;
	hc->cmd_deadline = deadline_us(CMD_ABORT_TIMEOUT_US);
	/* CA with our next TRB and cycle as the pointer: while the ring runs the controller
	 * ignores the pointer, and one that stopped just before the write (and takes it, as
	 * some do from the high dword) restarts at our next command (Linux: some controllers
	 * want all 64 bits written for the abort) */
	xhci_write64(hc, hc->op + XHCI_CRCR, next | hc->cmd.cycle | XHCI_CRCR_CA);
}

/* A transfer's completion code that means it worked: success, or a short packet. */
static bool transfer_ok(uint32_t cc) { return cc == XHCI_CC_SUCCESS || cc == XHCI_CC_SHORT_PACKET; }

/* An event on d's endpoint 0: the control transfer ends on its status stage, or on a data
 * stage or other TRB that did not succeed; d->cc says how, and an endpoint 0 halted asks
 * usb_dev_step to reset it. Ignored while d waits for no transfer. */
static void control_done(struct xhci *hc, struct usb_dev *d, const struct xhci_trb *ev)
{
	uint64_t ptr = ev->d[0] | (uint64_t)ev->d[1] << 32;
	uint32_t cc = TRB_GET_CC(ev->d[2]);
	bool good = transfer_ok(cc);

	/* not waiting for a transfer: nothing asked, or a command of d's is in flight (a
	 * transfer given up on can complete late, or be stopped, during its Disable Slot) */
	if (!d->busy || hc->cmd_owner == d)
		return;
	/* a transfer our Stop Endpoint caught: one given up on at its deadline, whose event
	 * may come after the command's completion, even once the next request is queued */
	if (cc == XHCI_CC_STOPPED || cc == XHCI_CC_STOPPED_LENGTH_INVALID ||
	    cc == XHCI_CC_STOPPED_SHORT_PACKET)
		return;
	if (ptr == d->data_trb_phys) {
		d->residual = TRB_GET_LEN(ev->d[2]);
		if (good)
			return; /* the status stage follows */
	} else if (ptr != d->status_trb_phys) {
		if (good)
			return; /* the setup stage (no IOC) or a stale TRB */
	}
	d->cc = cc;
	d->busy = false;
	if (good)
		d->ep0_stalls = 0; /* endpoint 0 works: the limit counts recoveries in a row */
	/* these halt the endpoint (4.10.2): usb_dev_step resets it before going on */
	if (cc == XHCI_CC_STALL || cc == XHCI_CC_BABBLE || cc == XHCI_CC_USB_TRANSACTION ||
	    cc == XHCI_CC_SPLIT_TRANSACTION) {
		d->ep0_recover = EP0_RECOVER_RESET;
		d->halted_cc = cc;
		d->halted_op = d->op;
	}
}

/* An event on d's interrupt IN endpoint: the next queued transfer is done. Its report goes
 * to the class driver and a transfer is queued in its place; an error goes to
 * usb_dev_intr_error. Any other completion is ignored. The report's length is what its own
 * TRB asked for (never more than its buffer slot) less the residual: a keyboard switched to
 * report protocol asks for more from then on, while the transfers queued before still
 * complete. */
static void intr_done(struct xhci *hc, struct usb_dev *d, const struct xhci_trb *ev)
{
	uint64_t ptr = ev->d[0] | (uint64_t)ev->d[1] << 32;
	uint32_t cc = TRB_GET_CC(ev->d[2]);
	unsigned int i = (unsigned int)((ptr - d->intr.phys) / sizeof(struct xhci_trb));
	uint32_t len, residual = TRB_GET_LEN(ev->d[2]);

	/* only the next transfer queued: a repeat would queue one too many, and a
	 * completion of a TRB never queued is made up; none while the endpoint is being
	 * reset (its ring starts afresh) */
	if (ptr < d->intr.phys || (ptr - d->intr.phys) % sizeof(struct xhci_trb) ||
	    i >= XHCI_RING_TRBS - 1 || i != d->intr_deq || d->intr_deq == d->intr.enq ||
	    d->intr_recover)
		return;
	d->intr_deq = (i + 1) % (XHCI_RING_TRBS - 1);
	len = MIN(TRB_GET_XFER_LEN(d->intr.trb[i].d[2]), (uint32_t)d->intr_slot);
	if (!transfer_ok(cc)) {
		usb_dev_intr_error(d, cc); /* usb_enum.c: reset the endpoint, or refuse d */
		return;
	}
	d->intr_errors = 0;
	if (residual <= len) {
		const uint8_t *data = xhci_intr_data(d, i);

		if (d->driver == USB_DRV_KBD)
			usb_kbd_report(d, data, len - residual);
		else if (d->driver == USB_DRV_HUB)
			usb_hub_report(d, data, len - residual);
	}
	if (!d->gone && !d->failed) {
		xhci_intr_queue(d); /* one back for each one done */
		xhci_ring_doorbell(hc, d->slot, d->intr_dci);
	}
}

/* A Transfer Event: to the endpoint 0 or interrupt IN handling of the device in its slot
 * (none for a slot past the table, an empty one, or a device unplugged). */
static void transfer_done(struct xhci *hc, const struct xhci_trb *ev)
{
	unsigned int slot = TRB_GET_SLOT(ev->d[3]), ep = TRB_GET_EP(ev->d[3]);
	struct usb_dev *d = slot <= hc->max_slots ? hc->slot_dev[slot] : NULL;

	if (!d || d->gone)
		return;
	if (ep == XHCI_DCI_EP0)
		control_done(hc, d, ev);
	else if (ep == d->intr_dci && d->intr.trb)
		intr_done(hc, d, ev);
}

/*
 * xhci_process_events - consume the event ring (at most EVENTS_PER_POLL events), dispatch
 * each, update ERDP; abort a command that did not complete in time, and set
 * hc->cmd_ring_stuck when even the abort did not stop the ring. Returns the events handled.
 * Tick or the controller's interrupt (never both at once: both run with interrupts off).
 */
unsigned int xhci_process_events(struct xhci *hc)
{
	uint32_t ir = hc->rt + XHCI_IR(0);
	int handled = 0;

	while (handled < EVENTS_PER_POLL) {
		volatile struct xhci_trb *t = &hc->ev[hc->ev_deq];
		struct xhci_trb ev;

		if ((t->d[3] & TRB_CYCLE) != hc->ev_cycle)
			break;
		ev.d[0] = t->d[0];
		ev.d[1] = t->d[1];
		ev.d[2] = t->d[2];
		ev.d[3] = t->d[3];
		switch (TRB_GET_TYPE(ev.d[3])) {
		case TRB_EV_CMD_COMPLETION:
			command_done(hc, &ev);
			break;
		case TRB_EV_TRANSFER:
			transfer_done(hc, &ev);
			break;
		case TRB_EV_PORT_STATUS:
			xhci_port_changed(hc, ev.d[0] >> 24);
			break;
		default:
			break;
		}
		if (++hc->ev_deq == XHCI_EVENT_TRBS) {
			hc->ev_deq = 0;
			hc->ev_cycle ^= 1;
		}
		handled++;
	}
	if (handled)
		xhci_write64(hc, ir + XHCI_ERDP,
			     (hc->ev_phys + hc->ev_deq * sizeof(struct xhci_trb)) | XHCI_ERDP_EHB);
	if (hc->cmd_busy && deadline_passed(hc->cmd_deadline))
		command_timed_out(hc);
	return (unsigned int)handled;
}
