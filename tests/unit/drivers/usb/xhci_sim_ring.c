// SPDX-License-Identifier: MIT
/*
 * The rings of the simulated xHCI of xhci_sim.h, run in the host's simulated physical memory
 * when its register file (xhci_sim.c) sees a doorbell or CRCR.CA, and the event ring that
 * ERSTBA names, where completions are posted with the producer's cycle bit (and, with
 * interrupter 0 enabled, its interrupt left pending). Doorbell 0 runs
 * the command ring; a device doorbell for endpoint 0 runs its control TRBs against the test's
 * device function (the bytes of an OUT data stage kept in out_data, for the LED reports the
 * tests check) and posts Transfer Events as a controller does: a stall halts the endpoint
 * on the TRB that stalled (the driver must Reset Endpoint and Set TR Dequeue Pointer before
 * the endpoint runs again), silence leaves it stuck until Stop Endpoint (its Stopped event,
 * then Set TR Dequeue Pointer takes it). A command that hangs keeps the ring on
 * it (CRCR.CRR set) until CRCR.CA aborts it (Command Aborted for it, then Command Ring
 * Stopped naming the next TRB; while the ring runs the CRCR pointer is not taken) or it
 * completes late (sim_complete_hung). Non-control endpoints only halt (sim_intr_halt) and
 * take the commands that recover them; their transfers are the tests' own events, as are
 * Port Status Change Events (sim_port_event).
 */
#include <string.h>
#include "xhci_sim_internal.h"

/* ------------------------------------------------------------------ event ring */
#define IMAN0 (SIM_RT + XHCI_IR(0) + XHCI_IMAN)

void sim_post_event(struct xhci_sim *s, uint64_t ptr, uint32_t d2, uint32_t d3)
{
	struct xhci_trb *t = (struct xhci_trb *)mem(s->ev_base) + s->ev_enq;

	t->d[0] = (uint32_t)ptr;
	t->d[1] = (uint32_t)(ptr >> 32);
	t->d[2] = d2;
	t->d[3] = (d3 & ~TRB_CYCLE) | s->pcs;
	if (++s->ev_enq == s->ev_size) {
		s->ev_enq = 0;
		s->pcs ^= 1;
	}
	/* an enabled interrupter's interrupt pends until acknowledged: IMAN.IP, and USBSTS.EINT
	 * with it (xHCI 4.17.2, 5.4.2); whether it is signalled is the test's business */
	if (s->reg[IMAN0 / 4] & XHCI_IMAN_IE) {
		s->reg[IMAN0 / 4] |= XHCI_IMAN_IP;
		s->reg[(SIM_OP + XHCI_USBSTS) / 4] |= XHCI_STS_EINT;
	}
}

void sim_port_event(struct xhci_sim *s, unsigned int port)
{
	sim_post_event(s, (uint64_t)(port & 0xff) << 24, XHCI_CC_SUCCESS << 24, TRB_TYPE(TRB_EV_PORT_STATUS));
}

/* The next TRB owned by the controller on a ring at *deq with cycle *cs, following Link
 * TRBs; NULL when the producer has not handed one over. */
static struct xhci_trb *next_trb(uint64_t *deq, uint32_t *cs)
{
	for (int links = 0; links < 4; links++) {
		struct xhci_trb *t = mem(*deq);

		if ((t->d[3] & TRB_CYCLE) != *cs)
			return NULL;
		if (TRB_GET_TYPE(t->d[3]) != TRB_LINK)
			return t;
		*deq = (t->d[0] | (uint64_t)t->d[1] << 32) & ~0xfull;
		if (t->d[3] & TRB_LINK_TC)
			*cs ^= 1;
	}
	return NULL;
}

/* ------------------------------------------------------------------ commands */
/* Stop Endpoint of slot's endpoint 0 (xHCI 4.6.9): see the stop_* knobs. */
static uint32_t stop_ep0(struct xhci_sim *s, unsigned int slot)
{
	struct sim_ep0 *ep = &s->ep0[slot];
	uint32_t cc = s->stop_cc ? s->stop_cc : XHCI_CC_STOPPED;

	if (s->stop_finds_halted && ep->silent) {
		ep->silent = false;
		ep->halted = true;
		sim_post_transfer(s, slot, XHCI_DCI_EP0, ep->deq, XHCI_CC_USB_TRANSACTION, 0);
		return XHCI_CC_CONTEXT_STATE;
	}
	if (ep->halted || (ep->deq >> 63))
		return XHCI_CC_CONTEXT_STATE; /* not running: halted, or stopped already */
	if (s->stop_finds_stopped) {
		ep->silent = false;
		ep->deq |= 1ull << 63;
		return XHCI_CC_CONTEXT_STATE;
	}
	if (ep->silent && s->stop_event_late) {
		s->stopped_late = ep->deq;
		s->stopped_late_slot = slot;
	} else if (ep->silent) {
		sim_post_transfer(s, slot, XHCI_DCI_EP0, ep->deq, cc, 0);
	}
	ep->silent = false;
	ep->deq |= 1ull << 63; /* stopped: only a Set TR Dequeue Pointer makes it usable here */
	return XHCI_CC_SUCCESS;
}

/* Address Device done: the output slot context (the DCBAA's entry for slot) says Addressed
 * with a USB address of the slot's number, as controllers commonly choose (xHCI 6.2.2). */
static void set_address(struct xhci_sim *s, unsigned int slot)
{
	uint64_t dcbaa = s->reg[(SIM_OP + XHCI_DCBAAP) / 4] |
			 (uint64_t)s->reg[(SIM_OP + XHCI_DCBAAP + 4) / 4] << 32;
	uint64_t out = dcbaa ? ((const uint64_t *)mem(dcbaa))[slot] : 0;

	if (out)
		((uint32_t *)mem(out))[3] = 2u << 27 | (slot & 0xff);
}

static uint32_t run_command(struct xhci_sim *s, const struct xhci_trb *t, unsigned int *slot)
{
	unsigned int type = TRB_GET_TYPE(t->d[3]);
	uint64_t ptr = t->d[0] | (uint64_t)t->d[1] << 32;
	unsigned int csz = s->csz ? 64 : 32;
	struct sim_ep0 *ep;

	*slot = TRB_GET_SLOT(t->d[3]);
	if (type < 64)
		s->commands[type]++;
	if (type == TRB_ENABLE_SLOT) {
		if (s->no_slots)
			return XHCI_CC_NO_SLOTS;
		if (s->enable_slot_id) { /* a broken controller: a slot it has not, or one in use */
			*slot = s->enable_slot_id;
			return XHCI_CC_SUCCESS;
		}
		if (s->next_slot > SIM_SLOTS)
			return XHCI_CC_NO_SLOTS;
		*slot = s->next_slot++;
		s->slot_on[*slot] = true;
		return XHCI_CC_SUCCESS;
	}
	if (*slot < 1 || *slot > SIM_SLOTS)
		return 11; /* Slot Not Enabled */
	ep = &s->ep0[*slot];
	if (type == TRB_RESET_EP && TRB_GET_EP(t->d[3]) != XHCI_DCI_EP0) { /* sim_intr_halt */
		if (!s->intr_halted[*slot])
			return 19; /* Context State Error */
		s->intr_halted[*slot] = false;
		s->intr_resets[*slot]++;
		return XHCI_CC_SUCCESS;
	}
	if (type == TRB_SET_TR_DEQUEUE && TRB_GET_EP(t->d[3]) != XHCI_DCI_EP0) {
		if (s->intr_halted[*slot])
			return 19;
		s->intr_set_deq[*slot] = ptr;
		return XHCI_CC_SUCCESS;
	}
	switch (type) {
	case TRB_ADDRESS_DEVICE: {
		const uint8_t *in = mem(ptr);
		const uint32_t *ep0c = (const uint32_t *)(in + 2 * csz);

		s->addr_icc_add = ((const uint32_t *)in)[XHCI_ICC_ADD];
		s->addr_slot_dw0 = *(const uint32_t *)(in + csz);
		memcpy(s->addr_slot, in + csz, sizeof(s->addr_slot));
		s->addr_ep0_deq = ep0c[2] | (uint64_t)ep0c[3] << 32;
		if (s->address) {
			uint32_t cc = s->address(s, *slot, s->addr_slot);

			if (cc != XHCI_CC_SUCCESS)
				return cc;
		}
		set_address(s, *slot);
		ep->deq = s->addr_ep0_deq & ~0xfull;
		ep->dcs = ep0c[2] & 1;
		ep->halted = false;
		return XHCI_CC_SUCCESS;
	}
	case TRB_CONFIGURE_EP: {
		const uint8_t *in = mem(ptr);
		uint32_t add = ((const uint32_t *)in)[XHCI_ICC_ADD];
		unsigned int dci = add >> 1 ? 31 - (unsigned int)__builtin_clz(add) : 0;

		memcpy(s->cfg_slot, in + csz, sizeof(s->cfg_slot));
		s->cfg_icc_add = add;
		memset(s->cfg_ep, 0, sizeof(s->cfg_ep));
		if (dci)
			memcpy(s->cfg_ep, in + (1 + dci) * csz, sizeof(s->cfg_ep));
		return XHCI_CC_SUCCESS;
	}
	case TRB_EVALUATE_CTX: {
		const uint8_t *in = mem(ptr);

		s->eval_icc_add = ((const uint32_t *)in)[XHCI_ICC_ADD];
		memcpy(s->eval_ep0, in + 2 * csz, sizeof(s->eval_ep0));
		return XHCI_CC_SUCCESS;
	}
	case TRB_RESET_EP:
		if (TRB_GET_EP(t->d[3]) != XHCI_DCI_EP0 || !ep->halted)
			return 19; /* Context State Error */
		ep->halted = false;
		ep->deq |= 1ull << 63; /* stopped: only a Set TR Dequeue Pointer makes it usable */
		return XHCI_CC_SUCCESS;
	case TRB_STOP_EP:
		s->last_stop_d3 = t->d[3];
		return TRB_GET_EP(t->d[3]) == XHCI_DCI_EP0 ? stop_ep0(s, *slot) : XHCI_CC_SUCCESS;
	case TRB_SET_TR_DEQUEUE:
		if (ep->halted)
			return 19;
		s->last_set_deq = ptr;
		ep->deq = ptr & ~0xfull;
		ep->dcs = ptr & 1;
		ep->silent = false;
		return XHCI_CC_SUCCESS;
	case TRB_DISABLE_SLOT:
		if (s->disable_slot_cc)
			return s->disable_slot_cc;
		memset(ep, 0, sizeof(*ep));
		s->slot_on[*slot] = false;
		return XHCI_CC_SUCCESS;
	default:
		return XHCI_CC_SUCCESS;
	}
}

/* Run the command at the dequeue pointer (t), post its completion, go past it. */
static void complete_command(struct xhci_sim *s, const struct xhci_trb *t)
{
	unsigned int slot;
	uint32_t cc = run_command(s, t, &slot);

	sim_post_event(s, s->cmd_deq, cc << 24, TRB_TYPE(TRB_EV_CMD_COMPLETION) | TRB_SLOT(slot));
	s->cmd_deq += sizeof(struct xhci_trb);
	if (s->stopped_late) { /* stop_event_late: the Stopped event after the completion */
		sim_post_transfer(s, s->stopped_late_slot, XHCI_DCI_EP0, s->stopped_late,
				  s->stop_cc ? s->stop_cc : XHCI_CC_STOPPED, 0);
		s->stopped_late = 0;
	}
}

/* Doorbell 0: run the commands handed over, each completion posted, until the ring is empty
 * or a command hangs (hang_cmd); nothing while hold_commands or a command hangs. */
void sim_ring_commands(struct xhci_sim *s)
{
	struct xhci_trb *t;

	if (s->hold_commands || s->hung)
		return;
	while ((t = next_trb(&s->cmd_deq, &s->ccs))) {
		if (s->hang_cmd && TRB_GET_TYPE(t->d[3]) == s->hang_cmd) {
			s->hang_cmd = 0;
			s->hung = s->cmd_deq;
			return;
		}
		complete_command(s, t);
	}
}

/* The ring stops (CRR clear): Command Ring Stopped names the TRB it would run next. */
static void ring_stop(struct xhci_sim *s)
{
	s->crr = false;
	s->abort_pending = false;
	sim_post_event(s, s->cmd_deq, XHCI_CC_CMD_RING_STOPPED << 24,
		       TRB_TYPE(TRB_EV_CMD_COMPLETION));
}

/* CRCR.CA while the ring runs (4.6.1.2): the command it is on (hung, or the first held)
 * ends with Command Aborted, then the ring stops; see abort_waits, abort_on_trb,
 * abort_no_event. */
void sim_abort_commands(struct xhci_sim *s)
{
	const struct xhci_trb *t = NULL;

	s->aborts++;
	if (s->hung && s->abort_waits) {
		s->abort_pending = true;
		return;
	}
	if (s->hung) {
		t = mem(s->hung);
		s->hung = 0;
		if (s->abort_on_trb || s->abort_no_event)
			t = NULL; /* stopped on it: the next doorbell runs it */
	} else if (s->hold_commands) {
		t = next_trb(&s->cmd_deq, &s->ccs);
	}
	if (t) {
		sim_post_event(s, s->cmd_deq, XHCI_CC_CMD_ABORTED << 24,
			       TRB_TYPE(TRB_EV_CMD_COMPLETION) | (t->d[3] & 0xff000000u));
		s->cmd_deq += sizeof(struct xhci_trb);
	}
	if (s->abort_no_event) {
		s->crr = false;
		return;
	}
	ring_stop(s);
}

void sim_complete_hung(struct xhci_sim *s)
{
	if (!s->hung)
		return;
	s->hung = 0;
	complete_command(s, mem(s->cmd_deq));
	if (s->abort_pending)
		ring_stop(s);
	else
		sim_ring_commands(s);
}

void sim_run_commands(struct xhci_sim *s)
{
	s->hold_commands = false;
	sim_ring_commands(s);
}

/* ------------------------------------------------------------------ endpoint 0 */
void sim_post_transfer(struct xhci_sim *s, unsigned int slot, unsigned int dci, uint64_t trb,
		       uint32_t cc, uint32_t residual)
{
	sim_post_event(s, trb, cc << 24 | residual, TRB_TYPE(TRB_EV_TRANSFER) | TRB_SLOT(slot) | TRB_EP(dci));
}

void sim_intr_halt(struct xhci_sim *s, unsigned int slot, unsigned int dci, uint64_t trb, uint32_t cc)
{
	s->intr_halted[slot] = true;
	sim_post_transfer(s, slot, dci, trb, cc, 0);
}

/* The completion code that ends a transfer the device answered so, halting endpoint 0; 0
 * for an answer that works. */
static uint32_t halting_cc(enum sim_answer answer)
{
	switch (answer) {
	case SIM_STALL: return XHCI_CC_STALL;
	case SIM_XACT_ERROR: return XHCI_CC_USB_TRANSACTION;
	case SIM_BABBLE: return XHCI_CC_BABBLE;
	default: return 0;
	}
}

/* An OUT data stage the device took: kept for the test (out_setup, out_data, out_len). */
static void take_out_stage(struct xhci_sim *s, const struct sim_setup *su, const uint8_t *bytes,
			   size_t len)
{
	s->out_setup = *su;
	s->out_len = len;
	memset(s->out_data, 0, sizeof(s->out_data));
	memcpy(s->out_data, bytes, len < sizeof(s->out_data) ? len : sizeof(s->out_data));
	s->out_stages++;
}

/* Run control transfers on slot's endpoint 0 until the ring is empty, the endpoint halts,
 * or the device stays silent. */
void sim_ring_ep0(struct xhci_sim *s, unsigned int slot)
{
	struct sim_ep0 *ep = &s->ep0[slot];
	struct xhci_trb *t;
	uint8_t data[4096];
	size_t len = 0;
	enum sim_answer answer = SIM_ANSWER;
	struct sim_setup su = {0};

	if (slot < 1 || slot > SIM_SLOTS || ep->halted || ep->silent || (ep->deq >> 63) || !ep->deq)
		return; /* a halted, stopped or never addressed endpoint ignores its doorbell */
	while ((t = next_trb(&ep->deq, &ep->dcs))) {
		unsigned int type = TRB_GET_TYPE(t->d[3]);
		uint64_t here = ep->deq;

		if (type == TRB_SETUP) {
			su = (struct sim_setup){(uint8_t)t->d[0], (uint8_t)(t->d[0] >> 8), (uint16_t)(t->d[0] >> 16),
						(uint16_t)t->d[1], (uint16_t)(t->d[1] >> 16)};
			len = 0;
			answer = s->device ? s->device(s, slot, &su, data, &len) : SIM_SILENT;
			if (answer == SIM_SILENT) {
				ep->silent = true;
				return;
			}
			if (len > su.length)
				len = su.length;
			if (s->setup_events)
				sim_post_transfer(s, slot, XHCI_DCI_EP0, here, XHCI_CC_SUCCESS, 0);
		} else if (halting_cc(answer)) {
			/* the data or status stage is where a device's STALL handshake shows */
			sim_post_transfer(s, slot, XHCI_DCI_EP0, here, halting_cc(answer),
					  t->d[2] & 0x1ffff);
			ep->halted = true;
			return;
		} else if (type == TRB_DATA) {
			uint32_t want = t->d[2] & 0x1ffff;
			size_t n = len < want ? len : want;

			if (t->d[3] & TRB_DIR_IN)
				memcpy(mem(t->d[0] | (uint64_t)t->d[1] << 32), data, n);
			else
				take_out_stage(s, &su, mem(t->d[0] | (uint64_t)t->d[1] << 32), want);
			if (t->d[3] & TRB_IOC)
				sim_post_transfer(s, slot, XHCI_DCI_EP0, here,
						  n < want ? XHCI_CC_SHORT_PACKET : XHCI_CC_SUCCESS,
						  (uint32_t)(want - n));
		} else if (type == TRB_STATUS && (t->d[3] & TRB_IOC)) {
			sim_post_transfer(s, slot, XHCI_DCI_EP0, here, XHCI_CC_SUCCESS, 0);
		}
		ep->deq += sizeof(struct xhci_trb);
	}
}
