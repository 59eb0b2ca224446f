// SPDX-License-Identifier: MIT
/*
 * Host tests of a device's life on endpoint 0 (src/drivers/usb/usb_enum.c and usb_kbd.c,
 * over xhci.c and xhci_ring.c) on the simulated controller of xhci_sim.c, which runs the
 * command ring and the control TRBs as a controller does: a keyboard enumerates and gets
 * ready, with 32- and 64-byte contexts (the input contexts of Address Device, Configure
 * Endpoint and Evaluate Context checked where the controller reads them); a keyboard that stalls SET_IDLE (allowed by HID 1.11) is recovered
 * with Reset Endpoint and Set TR Dequeue Pointer and still gets ready; a device that stalls
 * a descriptor request is refused with a `usb:` line after the same recovery, one that
 * stalls the LED report keeps typing; a device that never answers a descriptor request is
 * refused after the bounded timeout (endpoint 0 stopped past it first) while a keyboard
 * beside it becomes ready, one that never answers its LED report is kept; a transfer that completes late, while its refused device's Disable Slot runs, does
 * not let the device be freed before the command completes; interrupt transfer events count
 * only in ring order; a slot the controller does not have, or one in use, is refused without
 * touching the slot table past its end or another device's slot; a lock key costs one LED
 * report and nothing else, a keyboard that refused its LED report gets none again, and only
 * endpoint 0 halts in a row (no request working in between) refuse a device; Address Device
 * and Evaluate Context wait for a command ring another device holds instead of being skipped;
 * the first request after Address Device waits the 2 ms SetAddress recovery from
 * the command's completion, not from its queueing. Commands that hang until aborted or
 * complete late: test_xhci_cmd.c; the keyboard's class steps tick by tick (LED reports
 * behind the stall probe): test_usb_kbd.c, and keyboards that stop answering:
 * test_usb_kbd_silent.c; all on the same harness (ep0_harness.h: the simulated devices,
 * start, ticks, cleanup, ready_keyboard).
 */
#include "ep0_harness.h"

static void enumerates(bool csz)
{
	struct usb_dev *d;

	start(csz);
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks(200);
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	CHECK_EQ(sim.commands[TRB_RESET_EP], 0);
	CHECK_EQ(sim.addr_icc_add, 3);                           /* slot and endpoint 0 added */
	CHECK_EQ(sim.addr_slot_dw0 >> 20 & 0xf, USB_SPEED_HIGH); /* slot context at 1 x size */
	CHECK_EQ(sim.addr_slot_dw0 >> 27, 1);
	CHECK_EQ(sim.addr_ep0_deq, d->ep0.phys | 1); /* endpoint 0 context at 2 x size */
	CHECK_EQ(sim.commands[TRB_CONFIGURE_EP], 1);
	/* Configure Endpoint adds the slot and endpoint 1 IN (DCI 3), whose context sits at
	 * 4 x size: Interrupt IN, 8-byte packets, 3 retries, bInterval 7 of a high-speed
	 * device as 2^6 x 125 us, the driver's interrupt ring with its cycle bit */
	CHECK_EQ(sim.cfg_icc_add, 1u | 1u << 3);
	CHECK_EQ(sim.cfg_slot[0] >> 27, 3); /* context entries up to DCI 3 */
	CHECK_EQ(sim.cfg_ep[0] >> 16 & 0xff, 6);
	CHECK_EQ(sim.cfg_ep[1] >> 3 & 7, XHCI_EP_TYPE_INT_IN);
	CHECK_EQ(sim.cfg_ep[1] >> 1 & 3, 3);
	CHECK_EQ(sim.cfg_ep[1] >> 16, 8);
	CHECK_EQ(sim.cfg_ep[2] | (uint64_t)sim.cfg_ep[3] << 32, d->intr.phys | 1);
	CHECK_EQ(sim.cfg_ep[4] >> 16, 8); /* Max ESIT Payload */
	cleanup();
}

static void enumerates_32(void) { enumerates(false); }

/* Configure Endpoint's slot context: a keyboard's is no hub; a high-speed hub's carries the
 * Hub flag, its port count and its TT think time (wHubCharacteristics bits 6:5); a
 * full-speed hub has no TT, so no think time. */
static void hub_slot_context(void)
{
	struct usb_hub_info hub = { .num_ports = 7, .characteristics = 0x0049 }; /* TTT 2 */
	struct usb_dev *d;

	start(false);
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks(200);
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	CHECK_EQ(sim.cfg_slot[0] & XHCI_SLOT_HUB, 0);
	CHECK_EQ(sim.cfg_slot[1] >> 24, 0);
	CHECK_EQ(sim.cfg_slot[2], 0);
	CHECK(usb_dev_configure_ep(d, &d->cfg.iface[d->iface].int_in, &hub));
	CHECK(sim.cfg_slot[0] & XHCI_SLOT_HUB);
	CHECK_EQ(sim.cfg_slot[1] >> 24, 7);
	CHECK_EQ(sim.cfg_slot[2] >> 16 & 3, 2);
	ticks(5);
	d->speed = USB_SPEED_FULL;
	CHECK(usb_dev_configure_ep(d, &d->cfg.iface[d->iface].int_in, &hub));
	CHECK(sim.cfg_slot[0] & XHCI_SLOT_HUB);
	CHECK_EQ(sim.cfg_slot[2] >> 16 & 3, 0);
	ticks(5);
	cleanup();
}
static void enumerates_64(void) { enumerates(true); }

static void set_idle_stall_recovered(void)
{
	struct usb_dev *d;

	start(false);
	dev[1].stall_req = 0x0a; /* SET_IDLE */
	dev[1].stall_type = 0x21;
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks(200);
	CHECK(dev[1].stalled);
	CHECK_EQ(sim.commands[TRB_RESET_EP], 1);
	CHECK_EQ(sim.commands[TRB_SET_TR_DEQUEUE], 1);
	CHECK(sim_logged("usb: 1-5: SET_IDLE(0): endpoint 0 halted (code 6), reset"));
	CHECK(sim_logged("SET_IDLE not supported"));
	CHECK(!sim_logged("refused"));
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	CHECK(dev[1].after_stall >= 1); /* SET_REPORT(LEDs) answered after the reset */
	CHECK(!d->failed);
	CHECK_EQ(d->ep0_recover, EP0_RECOVER_NONE);
	/* the endpoint runs again from where the driver enqueues next */
	CHECK_EQ(sim.last_set_deq & ~0xfull, d->ep0.phys + 18 * 16);
	CHECK_EQ(sim.last_set_deq & 1, d->ep0.cycle);
	cleanup();
}

static void descriptor_stall_refused(void)
{
	start(false);
	dev[1].stall_req = 0x06; /* every GET_DESCRIPTOR */
	dev[1].stall_type = 0x80;
	usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks(100);
	CHECK_EQ(sim.commands[TRB_RESET_EP], 1);
	CHECK(sim_logged("usb: 1-5: refused: GET_DESCRIPTOR(device, 8) stalled"));
	CHECK_EQ(sim.commands[TRB_DISABLE_SLOT], 1);
	CHECK(usb_dev_list() == NULL);
	free(hc.slot_dev);
}

static void silent_device_refused_other_works(void)
{
	start(false);
	dev[1].silent_on_config = true;
	usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH); /* slot 1: never answers */
	ticks(20);
	usb_dev_new(&hc, NULL, 6, USB_SPEED_FULL); /* slot 2: a keyboard */
	host_time_skip_ns = 1000000;               /* 1 ms per clock read */
	ticks(3000);
	host_time_skip_ns = 50000;
	CHECK(sim_logged(
		"usb: 1-5 0627:0001: refused: no answer to GET_DESCRIPTOR(configuration, 9)"));
	CHECK(sim_logged("kbd: usb 1-6 0627:0001 ready in"));
	CHECK_EQ(sim.commands[TRB_STOP_EP], 1); /* a standard request: refused all the same */
	CHECK_EQ(sim.commands[TRB_DISABLE_SLOT], 1);
	CHECK(usb_dev_list() != NULL && usb_dev_list()->slot == 2 && !usb_dev_list()->failed);
	cleanup();
}

/* A request given up on can still complete (or be stopped) while its device's Disable Slot
 * runs: that transfer event must not end the wait for the command, or the device is freed
 * with the command's completion still to be written into it. */
static void late_transfer_during_disable_slot(void)
{
	struct usb_dev *d;
	uint64_t status;

	start(false);
	dev[1].silent_on_config = true;
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	for (int i = 0; i < 500 && !(d->busy && d->op && strstr(d->op, "configuration")); i++)
		ticks(1);
	status = d->status_trb_phys; /* the request the device never answers */
	CHECK(d->busy && d->op && strstr(d->op, "configuration") && status != 0);
	sim.hold_commands = true; /* Disable Slot waits in the command ring (and Stop
					      * Endpoint before it, until aborted) */
	host_time_skip_ns = 1000000;
	for (int i = 0; i < 6000 && !sim_logged("refused:"); i++)
		ticks(1);
	ticks(5);
	host_time_skip_ns = 50000;
	CHECK(sim_logged("refused: no answer to GET_DESCRIPTOR(configuration, 9)"));
	CHECK(usb_dev_list() == d && hc.cmd_owner == d && d->busy);
	sim_post_transfer(&sim, d->slot, XHCI_DCI_EP0, status, XHCI_CC_SUCCESS, 0); /* too late */
	sim_post_transfer(&sim, d->slot, XHCI_DCI_EP0, status, 26, 0);              /* Stopped */
	ticks(5);
	CHECK(usb_dev_list() == d && hc.cmd_owner == d && d->busy); /* still waiting */
	sim_run_commands(&sim);
	ticks(5);
	CHECK_EQ(sim.commands[TRB_DISABLE_SLOT], 1);
	CHECK(usb_dev_list() == NULL && hc.cmd_owner == NULL && !hc.cmd_busy);
	free(hc.slot_dev);
}

/* Interrupt transfers complete in ring order: each completion gives one transfer back, and an
 * event for any other TRB (repeated, stale, out of order, or one never queued) changes
 * nothing, so the driver never queues more than XHCI_INTR_QUEUED (a repeat used to queue one
 * more each time). */
static void interrupt_events_in_ring_order(void)
{
	struct usb_dev *d;
	unsigned int enq;

	start(false);
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	for (int i = 0; i < 200 && !d->intr.trb; i++)
		ticks(1);
	CHECK(d->intr.trb != NULL && d->intr.enq == 0); /* the ring is there, nothing queued */
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys, XHCI_CC_SUCCESS, 0);
	ticks(1);
	CHECK_EQ(d->intr_deq, 0); /* a completion of nothing: made up, ignored */
	ticks(200);
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	CHECK_EQ(d->intr.enq, XHCI_INTR_QUEUED);
	CHECK_EQ(d->intr_deq, 0);
	enq = d->intr.enq;
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys, XHCI_CC_SUCCESS, 0);
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys, XHCI_CC_SUCCESS, 0); /* again */
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys + 5 * 16, XHCI_CC_SUCCESS, 0);
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys + 16 + 4, XHCI_CC_SUCCESS, 0);
	ticks(1);
	CHECK_EQ(d->intr.enq, enq + 1); /* one given back, for the first event only */
	CHECK_EQ(d->intr_deq, 1);
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys + 16, XHCI_CC_SHORT_PACKET, 8);
	ticks(1);
	CHECK_EQ(d->intr.enq, enq + 2); /* the next one in order: accepted */
	CHECK_EQ(d->intr_deq, 2);
	CHECK(!d->failed);
	cleanup();
}

/* Enable Slot answered with a slot the controller does not have, then with the slot a ready
 * keyboard holds: each device is refused, and its teardown touches no slot (the slot table
 * was read past its end, and the keyboard's slot would have been disabled). */
static void bad_slot_from_enable_slot(void)
{
	struct usb_dev *kbd;

	start(false);
	sim.enable_slot_id = SIM_SLOTS + 100;
	usb_dev_new(&hc, NULL, 6, USB_SPEED_HIGH);
	ticks(20);
	CHECK(sim_logged("usb: 1-6: refused: controller gave a bad slot"));
	CHECK(usb_dev_list() == NULL);
	CHECK_EQ(sim.commands[TRB_DISABLE_SLOT], 0);
	sim.enable_slot_id = 0;
	kbd = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks(200);
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	sim.enable_slot_id = kbd->slot;
	sim_log_clear();
	usb_dev_new(&hc, NULL, 7, USB_SPEED_HIGH);
	ticks(20);
	CHECK(sim_logged("usb: 1-7: refused: controller gave a bad slot"));
	CHECK_EQ(sim.commands[TRB_DISABLE_SLOT], 0);
	CHECK(usb_dev_list() == kbd && hc.slot_dev[kbd->slot] == kbd && !kbd->failed);
	cleanup();
}

static void led_report_stall_tolerated(void)
{
	start(false);
	dev[1].stall_req = 0x09; /* SET_REPORT */
	dev[1].stall_type = 0x21;
	usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks(200);
	CHECK_EQ(sim.commands[TRB_RESET_EP], 1);
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	CHECK(!sim_logged("refused"));
	cleanup();
}

/* The first LED report never answered: endpoint 0 is stopped past it and the keyboard
 * becomes ready (it was refused: a keyboard that NAKs its LED report is still one). */
static void led_report_silent_kept(void)
{
	start(false);
	dev[1].silent_class_req = 0x09; /* SET_REPORT never answered */
	usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	host_time_skip_ns = 1000000;
	ticks(3000);
	host_time_skip_ns = 50000;
	CHECK(sim_logged("usb: 1-5: no answer to SET_REPORT(LEDs): going on"));
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	CHECK(!sim_logged("refused"));
	CHECK_EQ(sim.commands[TRB_STOP_EP], 1);
	CHECK_EQ(sim.commands[TRB_SET_TR_DEQUEUE], 1);
	CHECK(usb_dev_list() != NULL && !usb_dev_list()->failed);
	cleanup();
}

/* A lock key pressed n times (Caps Lock on, off, ...), each followed by 50 ticks. */
static void lock_keys(int n)
{
	for (int i = 0; i < n; i++) {
		led_listener((uint8_t)(i & 1 ? 0 : KBD_LED_CAPSLOCK));
		ticks(50);
	}
}

/* One stall probe (usb_kbd_stall_probe) run to its end; its two completion codes. */
static void stall_probe(int *stalled, int *after)
{
	CHECK(usb_kbd_stall_probe());
	for (int i = 0; i < 50; i++) {
		ticks(1);
		usb_kbd_probe_result(stalled, after);
		if (*after != -1)
			return;
	}
}

/* Caps Lock on a ready keyboard: one SET_REPORT(LEDs) with the new state and nothing else
 * (the LED step fell through into the stall probe's SET_IDLE(0): one more request per lock
 * key, and a probe result made up). */
static void led_change_sends_only_set_report(void)
{
	struct usb_dev *d;
	int stalled, after;

	start(false);
	d = ready_keyboard();
	CHECK_EQ(dev[1].class_req[SET_IDLE], 1);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 1);
	usb_kbd_probe_result(&stalled, &after);
	led_listener(KBD_LED_CAPSLOCK);
	ticks(50);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 2);
	CHECK_EQ(dev[1].class_req[SET_IDLE], 1);
	CHECK_EQ(d->buf[0], HID_LED_CAPSLOCK);
	usb_kbd_probe_result(&stalled, &after);
	CHECK_EQ(stalled, -1); /* no probe was asked for: no result either */
	CHECK(!d->failed);
	cleanup();
}

/* A keyboard that stalls SET_IDLE (HID 1.11 allows it), and 20 lock-key presses: each costs
 * one SET_REPORT, endpoint 0 halts only at setup, the keyboard stays (each press sent a
 * stalling SET_IDLE: refused with "endpoint 0 keeps halting" after 16). */
static void set_idle_staller_survives_lock_keys(void)
{
	struct usb_dev *d;

	start(false);
	dev[1].stall_req = SET_IDLE;
	dev[1].stall_type = 0x21;
	d = ready_keyboard();
	lock_keys(20);
	CHECK_EQ(sim.commands[TRB_RESET_EP], 1);
	CHECK_EQ(dev[1].class_req[SET_IDLE], 1);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 21);
	CHECK(!sim_logged("refused"));
	CHECK(usb_dev_list() == d && !d->failed);
	cleanup();
}

/* A keyboard that stalls its LED report at setup, then 20 lock-key presses: no LED report is
 * sent to it again (each one halted endpoint 0: refused after 16), it says so once, and the
 * `kbd` listing marks its LEDs refused; it keeps working. */
static void led_staller_not_sent_leds_again(void)
{
	struct usb_dev *d;

	start(false);
	dev[1].stall_req = SET_REPORT;
	dev[1].stall_type = 0x21;
	d = ready_keyboard();
	CHECK(sim_logged("usb: 1-5: LED report not accepted (code 6): its LEDs are left alone"));
	sim_log_clear();
	lock_keys(20);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 1);
	CHECK_EQ(sim.commands[TRB_RESET_EP], 1);
	CHECK(!sim_logged("LED report not accepted")); /* said once, at setup */
	CHECK(!sim_logged("refused"));
	CHECK(usb_dev_list() == d && !d->failed);
	CHECK_EQ(usb_kbd_print(), 1);
	CHECK(sim_logged("LEDs 0x0 (refused)")); /* the state sent at setup */
	cleanup();
}

/* The stall probe 20 times on a keyboard that stalls the undefined request and answers
 * SET_IDLE: 20 halts, each followed by a request that works, so none is "in a row" and the
 * keyboard stays (the count was over its whole life: refused at the 17th probe). */
static void halts_counted_in_a_row(void)
{
	struct usb_dev *d;
	int stalled = -1, after = -1;

	start(false);
	dev[1].stall_undefined = true;
	d = ready_keyboard();
	for (int i = 0; i < 20; i++) {
		stall_probe(&stalled, &after);
		CHECK_EQ(stalled, XHCI_CC_STALL);
		CHECK_EQ(after, XHCI_CC_SUCCESS);
	}
	CHECK_EQ(sim.commands[TRB_RESET_EP], 20);
	CHECK(!sim_logged("refused"));
	CHECK(usb_dev_list() == d && !d->failed);
	cleanup();
}

/* The same probe on a keyboard that stalls SET_IDLE as well: every request halts endpoint 0,
 * nothing in between works, and after 16 halts in a row the keyboard is refused (the limit
 * still holds for a device that never recovers). */
static void halts_in_a_row_refused(void)
{
	int stalled, after;

	start(false);
	dev[1].stall_undefined = true;
	dev[1].stall_req = SET_IDLE;
	dev[1].stall_type = 0x21;
	ready_keyboard();
	for (int i = 0; i < 10 && !sim_logged("refused"); i++)
		stall_probe(&stalled, &after);
	ticks(20);
	CHECK(sim_logged("usb: 1-5 0627:0001: refused: endpoint 0 keeps halting"));
	/* setup's (the LED report worked after it), then 16 in a row */
	CHECK_EQ(sim.commands[TRB_RESET_EP], 1 + 16);
	/* the 17th on the ninth probe itself: the longest reason, kept whole by `usb`'s
	 * refused record (it was cut at 96 characters) */
	CHECK_EQ(hc.refused.n, 1u);
	CHECK_STR_EQ(hc.refused.e[0].why, "endpoint 0 keeps halting or not answering: 17 times in "
					  "a row, the last on undefined HID request (stall probe)");
	CHECK(usb_dev_list() == NULL);
	free(hc.slot_dev);
}

/* Step d alone (events first) until its request op has completed, before the step that
 * looks at it. */
static void step_until_done(struct usb_dev *d, const char *op)
{
	for (int i = 0; i < 500; i++) {
		xhci_process_events(&hc);
		if (!d->busy && d->op && !strcmp(d->op, op))
			return;
		usb_dev_step(d);
	}
	CHECK(!"request never completed");
}

/* Another device's command in flight (held in the ring) when d's step would issue its own. */
static void step_with_command_ring_busy(struct usb_dev *d)
{
	sim.hold_commands = true;
	CHECK(xhci_command(&hc, NULL, 0, 0, 0, TRB_TYPE(TRB_NOOP_CMD), "No Op"));
	usb_dev_step(d);
	sim_run_commands(&sim);
}

/* Enable Slot done while another command holds the ring: Address Device is asked again on
 * a later step, not skipped (the device went on to GET_DESCRIPTOR on a slot never addressed
 * and was refused after the 2 s timeout). */
static void address_device_waits_for_command_ring(void)
{
	struct usb_dev *d;

	start(false);
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	step_until_done(d, "Enable Slot");
	CHECK(d->slot != 0);
	step_with_command_ring_busy(d);
	ticks(200);
	CHECK_EQ(sim.commands[TRB_ADDRESS_DEVICE], 1);
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	CHECK(!sim_logged("refused"));
	cleanup();
}

/* A full-speed device whose endpoint 0 takes 64 bytes, its first 8 bytes read while another
 * command holds the ring: Evaluate Context is asked again on a later step (it was skipped,
 * leaving the controller at 8 bytes while the driver believed 64). */
static void evaluate_context_waits_for_command_ring(void)
{
	struct usb_dev *d;

	start(false);
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_FULL);
	step_until_done(d, "GET_DESCRIPTOR(device, 8)");
	CHECK_EQ(d->mps0, 8);
	step_with_command_ring_busy(d);
	ticks(200);
	CHECK_EQ(sim.commands[TRB_EVALUATE_CTX], 1);
	CHECK_EQ(d->mps0, 64);
	CHECK_EQ(sim.eval_icc_add, 1u << XHCI_DCI_EP0); /* the controller is told 64 too */
	CHECK_EQ(sim.eval_ep0[1] >> 16, 64);
	CHECK_EQ(sim.eval_ep0[1] >> 3 & 7, XHCI_EP_TYPE_CONTROL);
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	cleanup();
}

/* The LED report of a full-speed keyboard behind a hub ends in a Split Transaction Error,
 * which halts endpoint 0 like a STALL (xHCI 1.2 4.10.2): it is reset (Reset Endpoint, Set TR
 * Dequeue Pointer) and the next request works (it was left halted: every later request on
 * endpoint 0 went unanswered). */
static void split_transaction_error_recovered(void)
{
	struct usb_dev *d;
	int stalled = -1, after = -1;

	start(false);
	d = ready_keyboard();
	dev[1].silent_class_req = SET_REPORT;
	led_listener(KBD_LED_CAPSLOCK);
	ticks(2);
	CHECK(d->busy && d->op && !strcmp(d->op, "SET_REPORT(LEDs)"));
	sim.ep0[d->slot].halted = true;
	sim_post_transfer(&sim, d->slot, XHCI_DCI_EP0, d->status_trb_phys, 18, 0);
	dev[1].silent_class_req = 0;
	ticks(20);
	CHECK_EQ(sim.commands[TRB_RESET_EP], 1);
	CHECK_EQ(sim.commands[TRB_SET_TR_DEQUEUE], 1);
	stall_probe(&stalled, &after);
	CHECK_EQ(after, XHCI_CC_SUCCESS);
	CHECK(!sim_logged("refused:"));
	CHECK(usb_dev_list() == d && !d->failed);
	cleanup();
}

/* When the simulated device first saw a GET_DESCRIPTOR (clock ns, 0: not yet), for
 * address_recovery_after_completion; the harness's keyboard answers it. */
static uint64_t first_get_descriptor_ns;

static enum sim_answer timed_device(struct xhci_sim *s, unsigned int slot,
				    const struct sim_setup *su, uint8_t *data, size_t *len)
{
	if (su->req == GET_DESCRIPTOR && !first_get_descriptor_ns)
		first_get_descriptor_ns = time_ns();
	return device(s, slot, su, data, len);
}

/* A full-speed device whose Address Device takes 3 ms to complete (a SET_ADDRESS through a
 * busy schedule or a hub's TT): its first request comes no sooner than 2 ms after the
 * command completed (USB 2.0 9.2.6.3: the SetAddress recovery interval follows the status
 * stage). The 2 ms were counted from when Address Device was queued, so the first
 * GET_DESCRIPTOR went out at once, while the device may still be taking its address. */
static void address_recovery_after_completion(void)
{
	struct usb_dev *d;
	uint64_t addressed;

	start(false);
	first_get_descriptor_ns = 0;
	sim.device = timed_device;
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_FULL);
	step_until_done(d, "Enable Slot");
	sim.hold_commands = true;
	usb_dev_step(d);
	CHECK(d->busy && d->op && !strcmp(d->op, "Address Device"));
	CHECK_EQ(sim.commands[TRB_ADDRESS_DEVICE], 0);
	host_time_skip_ns = 3000000; /* one clock read: the command held for 3 ms */
	(void)time_ns();
	host_time_skip_ns = 50000;
	addressed = time_ns();
	sim_run_commands(&sim); /* Address Device (its SET_ADDRESS) done now */
	CHECK_EQ(sim.commands[TRB_ADDRESS_DEVICE], 1);
	ticks(200);
	CHECK(first_get_descriptor_ns != 0);
	CHECK(first_get_descriptor_ns >= addressed + 2000000);
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	cleanup();
}

int main(void)
{
	sim_log_start();
	RUN(enumerates_32);
	RUN(hub_slot_context);
	RUN(enumerates_64);
	RUN(set_idle_stall_recovered);
	RUN(descriptor_stall_refused);
	RUN(silent_device_refused_other_works);
	RUN(late_transfer_during_disable_slot);
	RUN(interrupt_events_in_ring_order);
	RUN(bad_slot_from_enable_slot);
	RUN(led_report_stall_tolerated);
	RUN(led_report_silent_kept);
	RUN(led_change_sends_only_set_report);
	RUN(set_idle_staller_survives_lock_keys);
	RUN(led_staller_not_sent_leds_again);
	RUN(halts_counted_in_a_row);
	RUN(halts_in_a_row_refused);
	RUN(address_device_waits_for_command_ring);
	RUN(evaluate_context_waits_for_command_ring);
	RUN(split_transaction_error_recovered);
	RUN(address_recovery_after_completion);
	return unit_summary();
}
