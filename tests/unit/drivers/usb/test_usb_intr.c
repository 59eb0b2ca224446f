// SPDX-License-Identifier: MIT
/*
 * Interrupt IN endpoints of hubs and keyboards that fail (src/drivers/usb/usb_intr.c) on the
 * simulated tree of usb_tree_harness.h: an endpoint that halts (transaction error, babble,
 * STALL, split transaction error) is reset and polled again, keys released, the interrupted
 * request's outcome kept; a Missed Service Error only costs that transfer; endless errors
 * refuse the device, and so does a transfer ending with a code no halt explains, costing
 * that device's hub port only; an error after the refusal is not acted on.
 */
#include "../../unit.h"
#include "usb_tree_harness.h"

/* A keyboard holding 'a' whose interrupt endpoint halts with code cc: 'a' is released, the
 * endpoint reset (Reset Endpoint, Set TR Dequeue Pointer to the ring's enqueue point,
 * CLEAR_FEATURE(ENDPOINT_HALT) to the device), transfers queued afresh, and the next
 * report types (the keyboard was refused: dead until unplugged). */
static void keyboard_endpoint_halt(uint32_t cc)
{
	int h, k;
	struct usb_dev *d;
	uint64_t enq;
	unsigned int slot;

	start();
	h = hub_and_keyboard(USB_SPEED_FULL, 1, &k);
	(void)h;
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	d = dev_of(k);
	key_report(d, press_a);
	CHECK_EQ(held(), 1u);
	sim_log_clear();
	enq = d->intr.phys + d->intr.enq * 16;
	slot = d->slot;
	sim_intr_halt(&sim, slot, d->intr_dci, d->intr.phys + d->intr_deq * 16, cc);
	CHECK(stack_until(&hc, "usb: 1-5.1: interrupt endpoint reset", 100));
	CHECK_EQ(held(), 0u);
	CHECK_EQ(sim.intr_resets[slot], 1u);
	CHECK_EQ(sim.intr_set_deq[slot] & ~0xfull, enq);
	CHECK_EQ(node[k].clear_halts, 1u);
	CHECK(dev_of(k) == d);
	if (dev_of(k) != d) { /* refused, maybe freed */
		finish();
		return;
	}
	CHECK_EQ(d->intr.enq - d->intr_deq, (unsigned int)XHCI_INTR_QUEUED);
	key_report(d, press_b);
	CHECK_EQ(held(), 1u);
	key_report(d, (const uint8_t[8]){ 0 });
	CHECK_EQ(held(), 0u);
	CHECK(!sim_logged("refused"));
	finish();
}
static void keyboard_transaction_error(void) { keyboard_endpoint_halt(XHCI_CC_USB_TRANSACTION); }
static void keyboard_babble(void) { keyboard_endpoint_halt(XHCI_CC_BABBLE); }
static void keyboard_stall(void) { keyboard_endpoint_halt(XHCI_CC_STALL); }
static void keyboard_split_error(void) { keyboard_endpoint_halt(XHCI_CC_SPLIT_TRANSACTION); }

/* The hub's status change endpoint halts while its GET_STATUS(port) is in flight: the
 * endpoint is reset, the status read still counts (the keyboard plugged there becomes
 * ready) and the hub keeps its keyboard on port 1. */
static void hub_endpoint_halt_during_request(void)
{
	int h, k, k2;
	struct usb_dev *d;
	bool halted = false;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	d = dev_of(h);
	k2 = add_node(N_KBD, USB_SPEED_HIGH, h, 4);
	plug(k2, true);
	hub_notify(h);
	for (int i = 0; i < 100 && !halted; i++) {
		if (d->busy && d->op && !strcmp(d->op, "GET_STATUS(port)")) {
			sim_intr_halt(&sim, d->slot, d->intr_dci, d->intr.phys + d->intr_deq * 16,
				      XHCI_CC_USB_TRANSACTION);
			halted = true;
		}
		stack_tick(&hc);
	}
	CHECK(halted);
	CHECK(stack_until(&hc, "usb: 1-5: interrupt endpoint reset", 100));
	CHECK(stack_until(&hc, "kbd: usb 1-5.4 0627:0001 ready", 5000));
	CHECK(dev_of(k) != NULL && dev_of(h) == d);
	CHECK(!sim_logged("refused"));
	finish();
}

/* A keyboard that stalls its LED report, whose interrupt endpoint halts while a lock key's
 * LED report is in flight: the endpoint is reset after endpoint 0, and the LED report's
 * STALL still reaches the keyboard's state (it was lost under the reset's own success: the
 * keyboard was sent a report, and halted endpoint 0, at every lock key since). */
static void outcome_kept_across_endpoint_reset(void)
{
	int k;
	struct usb_dev *d;
	unsigned int reports;

	start();
	hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	d = dev_of(k);
	node[k].stall_leds = true;
	reports = node[k].led_reports;
	CHECK(led_listener != NULL);
	if (!led_listener)
		return;
	led_listener(KBD_LED_CAPSLOCK);
	for (int i = 0; i < 10 && node[k].led_reports == reports; i++)
		stack_tick(&hc);
	CHECK_EQ(node[k].led_reports, reports + 1); /* stalled: its event is on the ring */
	sim_intr_halt(&sim, d->slot, d->intr_dci, d->intr.phys + d->intr_deq * 16,
		      XHCI_CC_USB_TRANSACTION);
	CHECK(stack_until(&hc, "usb: 1-5.1: interrupt endpoint reset", 100));
	CHECK(stack_until(&hc, "usb: 1-5.1: LED report not accepted (code 6)", 100));
	led_listener(0);
	stack_ticks_ms(&hc, 20);
	CHECK_EQ(node[k].led_reports, reports + 1); /* none again */
	CHECK(dev_of(k) == d);
	finish();
}

/* A Missed Service Error retires one transfer without data and halts nothing: one more is
 * queued, nothing is reset, the keyboard goes on (it was refused). */
static void missed_service(void)
{
	int k;
	struct usb_dev *d;
	unsigned int enq;

	start();
	hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	d = dev_of(k);
	enq = d->intr.enq;
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys + d->intr_deq * 16,
			  XHCI_CC_MISSED_SERVICE, 0);
	stack_tick(&hc);
	CHECK(!d->failed);
	if (d->failed) { /* refused: freed on the next tick */
		finish();
		return;
	}
	CHECK_EQ(d->intr.enq, enq + 1);
	CHECK_EQ(d->intr.enq - d->intr_deq, (unsigned int)XHCI_INTR_QUEUED);
	CHECK_EQ(sim.intr_resets[d->slot], 0u);
	key_report(d, press_a);
	CHECK_EQ(held(), 1u);
	key_report(d, (const uint8_t[8]){ 0 });
	CHECK(!d->failed);
	finish();
}

/* An endpoint that halts every time, no transfer completing in between: reset eight times,
 * then the keyboard is refused with a line naming it. */
static void endless_errors_refuse(void)
{
	int k;
	struct usb_dev *d;

	start();
	hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	d = dev_of(k);
	for (int i = 0; i < 8; i++) {
		sim_log_clear();
		sim_intr_halt(&sim, d->slot, d->intr_dci, d->intr.phys + d->intr_deq * 16,
			      XHCI_CC_USB_TRANSACTION);
		CHECK(stack_until(&hc, "interrupt endpoint reset", 100));
		if (dev_of(k) != d) { /* refused, maybe freed */
			finish();
			return;
		}
	}
	sim_intr_halt(&sim, d->slot, d->intr_dci, d->intr.phys + d->intr_deq * 16,
		      XHCI_CC_USB_TRANSACTION);
	CHECK(stack_until(
		&hc,
		"usb: 1-5.1 0627:0001: refused: interrupt endpoint keeps failing (completion code 4)",
		100));
	CHECK_EQ(sim.intr_resets[d->slot], 8u);
	finish();
}

/* Keyboards on ports 1 and 2 of a hub, both ready; the one on port 1 holds 'a'. */
static void two_keyboards_one_holding(int *h, int k[2])
{
	static const unsigned int ports[] = { 1, 2 };

	start();
	*h = hub_with_keyboards(ports, 2, k);
	plug(*h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	key_report(dev_of(k[0]), press_a);
	CHECK_EQ(held(), 1u);
}

/* The keyboard on port 1 is refused and torn down (its slot disabled): its hub port is
 * listed as refused with why, its key released; the keyboard on port 2 types; pulled out
 * and plugged back, the refused one is enumerated afresh and types. */
static void refused_costs_its_port_only(int h, int k[2], unsigned int slot, const char *why)
{
	char line[96];

	stack_ticks_ms(&hc, 20);
	CHECK_EQ(held(), 0u);
	CHECK(dev_of(k[0]) == NULL && !sim.slot_on[slot]);
	CHECK(hub_port_listed(1, "refused"));
	snprintf(line, sizeof(line), "\n  1-5.1 0627:0001: %s\n", why);
	CHECK(sim_logged(line));
	types_a(k[1]);
	plug(k[0], false);
	hub_notify(h);
	stack_ticks_ms(&hc, 20);
	plug(k[0], true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	types_a(k[0]);
}

/* An interrupt transfer that ends with a code no endpoint halt explains (TRB Error: the
 * transfer itself was malformed) refuses the keyboard with a line naming the code; nothing
 * is reset. It costs that keyboard's port only. */
static void unexpected_code_refuses(void)
{
	int h, k[2];
	struct usb_dev *d;
	unsigned int slot;

	two_keyboards_one_holding(&h, k);
	d = dev_of(k[0]);
	slot = d->slot;
	sim_log_clear();
	sim_post_transfer(&sim, slot, d->intr_dci, d->intr.phys + d->intr_deq * 16,
			  XHCI_CC_TRB_ERROR, 0);
	stack_tick(&hc);
	CHECK(sim_logged(
		"usb: 1-5.1 0627:0001: refused: interrupt transfer failed (completion code 5)\n"));
	CHECK(!sim_logged("interrupt endpoint halted"));
	CHECK_EQ(sim.intr_resets[slot], 0u);
	refused_costs_its_port_only(h, k, slot, "interrupt transfer failed (completion code 5)");
	finish();
}

/* The keyboard is refused by one failed transfer and, in the same pass over the event
 * ring, the next transfer ends in a transaction error: not acted on (a device refused is
 * torn down, not recovered): no endpoint reset started, no second refusal. */
static void error_after_refusal_ignored(void)
{
	int h, k[2];
	struct usb_dev *d;
	unsigned int slot;
	uint64_t next;

	two_keyboards_one_holding(&h, k);
	d = dev_of(k[0]);
	slot = d->slot;
	next = d->intr.phys + (d->intr_deq + 1) * 16;
	sim_log_clear();
	sim_post_transfer(&sim, slot, d->intr_dci, d->intr.phys + d->intr_deq * 16,
			  XHCI_CC_TRB_ERROR, 0);
	sim_intr_halt(&sim, slot, d->intr_dci, next, XHCI_CC_USB_TRANSACTION);
	stack_tick(&hc);
	CHECK(sim_logged("refused: interrupt transfer failed (completion code 5)\n"));
	CHECK(!sim_logged("interrupt endpoint halted"));
	stack_ticks_ms(&hc, 20);
	CHECK_EQ(sim.intr_resets[slot], 0u);
	CHECK_EQ(hc.refused.n, 1u);
	CHECK_EQ(hc.refused.e[0].times, 1u);
	refused_costs_its_port_only(h, k, slot, "interrupt transfer failed (completion code 5)");
	finish();
}

int main(void)
{
	sim_log_start();
	RUN(keyboard_transaction_error);
	RUN(keyboard_babble);
	RUN(keyboard_stall);
	RUN(keyboard_split_error);
	RUN(hub_endpoint_halt_during_request);
	RUN(outcome_kept_across_endpoint_reset);
	RUN(missed_service);
	RUN(endless_errors_refuse);
	RUN(unexpected_code_refuses);
	RUN(error_after_refusal_ignored);
	return unit_summary();
}
