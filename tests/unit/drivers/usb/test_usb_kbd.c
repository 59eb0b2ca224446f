// SPDX-License-Identifier: MIT
/*
 * Host tests of the HID boot keyboard's class steps (src/drivers/usb/usb_kbd.c) as a tick
 * sees them, on the simulated controller and devices of ep0_harness.h (test_usb_ep0.c's):
 * the LED report waiting for the stall probe goes out in the very step that ends it, and
 * one waiting for the first LED report of setup, or a later one, in the step that takes
 * that one's answer; a second stall probe is refused while one runs; a keyboard that never
 * answers an optional request (its LED report, SET_IDLE at setup) is kept once endpoint 0
 * is stopped past it, and one that never answers setup's LED report types meanwhile (Stop Endpoint in the orders and outcomes a controller gives), and
 * sent no LED report after three lost in a row; one whose Stop Endpoint never completes,
 * or that never answers the stall probe's SET_IDLE(0), is refused with nothing queued
 * behind the request it never answered; a keyboard that stalls or never answers
 * SET_PROTOCOL(boot) is read in report protocol; a ready keyboard stays
 * counted and listed while a request of its own is in flight; halts of endpoint 0 and
 * requests never answered count together toward the limit of recoveries in a row. Setup, stalls tolerated by
 * HID 1.11 and the stall probe's halts: test_usb_ep0.c.
 */
#include "ep0_harness.h"

#define PROBE_OP "undefined HID request (stall probe)"
#define LEDS_OP "SET_REPORT(LEDs)"

/* Ticks one at a time until d's request op is the one in flight; false if it never is. */
static bool tick_until_op(struct usb_dev *d, const char *op)
{
	for (int i = 0; i < 500; i++) {
		ticks(1);
		if (d->busy && d->op && !strcmp(d->op, op))
			return true;
	}
	return false;
}

/* Ticks one at a time until the keyboard has been sent n LED reports, checking after each
 * tick that d's endpoint 0 was never left idle in between: the report a lock key asked for
 * goes out in the step that takes the answer to the one before it. */
static void ticks_until_reports_back_to_back(struct usb_dev *d, unsigned int n)
{
	for (int i = 0; i < 200 && dev[1].class_req[SET_REPORT] < n; i++) {
		ticks(1);
		UNIT_CHECKED();
		if (dev[1].class_req[SET_REPORT] < n && !d->busy) {
			fprintf(stderr, "  tick %d: endpoint 0 idle with LED report %u to send\n",
				i, dev[1].class_req[SET_REPORT] + 1);
			UNIT_FAIL();
			return;
		}
	}
	CHECK_EQ(dev[1].class_req[SET_REPORT], n);
}

/* Ticks with 1 ms per clock read, past a request's 2 s timeout, until d is gone or puts
 * anything more on its endpoint 0 ring (enq: where it stood). */
static void ticks_until_gone_or_queued(struct usb_dev *d, unsigned int enq)
{
	host_time_skip_ns = 1000000;
	for (int i = 0; i < 3000 && usb_dev_list() == d && d->ep0.enq == enq; i++)
		ticks(1);
	host_time_skip_ns = 50000;
}

/* Caps Lock pressed while the stall probe's undefined request is in flight: no LED report
 * between the probe's two requests, and the report goes out in the tick whose step ends
 * the probe (its SET_IDLE(0) answered: K_PROBE_AFTER goes straight on as K_RUN), not one
 * tick later. */
static void probe_end_sends_pending_leds(void)
{
	struct usb_dev *d;
	int stalled = -1, after = -1;

	start_leds_off();
	dev[1].stall_undefined = true;
	d = ready_keyboard();
	CHECK(usb_kbd_stall_probe());
	CHECK(tick_until_op(d, PROBE_OP));
	led_listener(KBD_LED_CAPSLOCK);
	for (int i = 0; i < 100 && after == -1; i++) {
		CHECK_EQ(dev[1].class_req[SET_REPORT], 1); /* setup's only, while the probe runs */
		ticks(1);
		usb_kbd_probe_result(&stalled, &after);
	}
	CHECK_EQ(stalled, XHCI_CC_STALL);
	CHECK_EQ(after, XHCI_CC_SUCCESS);
	/* the same tick: the LED report is sent and in flight */
	CHECK_EQ(dev[1].class_req[SET_REPORT], 2);
	CHECK(d->busy && d->op && !strcmp(d->op, LEDS_OP));
	CHECK_EQ(d->buf[0], HID_LED_CAPSLOCK);
	ticks(20);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 2); /* one report for one lock key */
	CHECK_EQ(dev[1].class_req[SET_IDLE], 2);   /* setup's and the probe's */
	CHECK(usb_dev_list() == d && !d->failed);
	cleanup();
}

/* Caps Lock pressed while a new keyboard's first LED report (all off, the state at setup)
 * is in flight: in the step that takes that report's answer, the keyboard is sent Caps Lock
 * on, and the `kbd` listing shows it (the press was lost: the light stayed dark until the
 * next lock key). */
static void lock_key_during_setup_sent(void)
{
	struct usb_dev *d;

	start_leds_off();
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	CHECK(tick_until_op(d, LEDS_OP));
	CHECK_EQ(d->buf[0], 0);
	led_listener(KBD_LED_CAPSLOCK);
	ticks_until_reports_back_to_back(d, 2);
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	ticks(50);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 2);
	CHECK_EQ(d->buf[0], HID_LED_CAPSLOCK);
	sim_log_clear();
	CHECK_EQ(usb_kbd_print(), 1);
	CHECK(sim_logged("LEDs 0x2,"));
	cleanup();
}

/* Caps Lock, then Num Lock while Caps Lock's report is in flight: a second report with both
 * follows in the step that takes the first one's answer (it was dropped: the lights showed Caps Lock alone). */
static void lock_key_during_led_report_sent(void)
{
	struct usb_dev *d;

	start_leds_off();
	d = ready_keyboard();
	led_listener(KBD_LED_CAPSLOCK);
	CHECK(tick_until_op(d, LEDS_OP));
	CHECK_EQ(d->buf[0], HID_LED_CAPSLOCK);
	led_listener(KBD_LED_CAPSLOCK | KBD_LED_NUMLOCK);
	ticks_until_reports_back_to_back(d, 3);
	ticks(50);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 3);
	CHECK_EQ(d->buf[0], HID_LED_CAPSLOCK | HID_LED_NUMLOCK);
	CHECK(!d->busy);
	cleanup();
}

/* A key pressed and released (usage 0x04, A), each report taken by a tick. */
static void type_a(struct usb_dev *d)
{
	static const uint8_t a_down[8] = { 0, 0, 0x04 }, none[8] = { 0 };

	send_report(d, a_down, sizeof(a_down));
	send_report(d, none, sizeof(none));
}

/* Ticks with 1 ms per clock read until Set TR Dequeue Pointer has been sent n times in all
 * (endpoint 0 moved past a request never answered), then 5 more at the usual pace. */
static void ticks_until_skipped(unsigned int n)
{
	host_time_skip_ns = 1000000;
	for (int i = 0; i < 3000 && sim.commands[TRB_SET_TR_DEQUEUE] < n; i++)
		ticks(1);
	host_time_skip_ns = 50000;
	CHECK_EQ(sim.commands[TRB_SET_TR_DEQUEUE], n);
	ticks(5);
}

/* d is still listed, not refused (CHECKed); when it is not, it is freed: the case cleans
 * up and ends without touching it. */
static bool kept(struct usb_dev *d)
{
	bool listed_ok = usb_dev_list() == d && !d->failed;

	CHECK(listed_ok);
	if (!listed_ok)
		cleanup();
	return listed_ok;
}

/* A ready keyboard that never answers the LED report after Caps Lock (it NAKs it forever),
 * then answers again: keys typed while that report hangs arrive; at its 2 s timeout endpoint
 * 0 is stopped (one Stop Endpoint of DCI 1, Suspend clear, whose Stopped event comes before
 * its completion or, late, after; Stopped or Stopped - Length Invalid) and its dequeue set
 * to the enqueue point past the request; the keyboard is kept, said once, and the Num Lock
 * pressed meanwhile goes out next, is answered, and a key after it is typed. (It was
 * refused: "no answer to SET_REPORT(LEDs)", dead until replugged.) */
static void led_report_unanswered_kept(bool event_late, uint32_t stop_cc)
{
	struct usb_dev *d;
	unsigned int enq;

	start_leds_off();
	sim.stop_event_late = event_late;
	sim.stop_cc = stop_cc;
	d = ready_keyboard();
	dev[1].silent_class_req = SET_REPORT;
	led_listener(KBD_LED_CAPSLOCK);
	CHECK(tick_until_op(d, LEDS_OP));
	enq = d->ep0.enq;
	led_listener(KBD_LED_CAPSLOCK | KBD_LED_NUMLOCK);
	dev[1].silent_class_req = 0; /* it answers again, the lost request still hanging */
	type_a(d);
	CHECK(key_was(0, KEY_A, true) && key_was(1, KEY_A, false));
	ticks_until_skipped(1);
	if (!kept(d))
		return;
	CHECK_EQ(sim.commands[TRB_STOP_EP], 1);
	CHECK_EQ(sim.last_stop_d3 & ~TRB_CYCLE,
		 TRB_TYPE(TRB_STOP_EP) | TRB_SLOT(d->slot) | TRB_EP(XHCI_DCI_EP0));
	CHECK_EQ(sim.last_set_deq, (d->ep0.phys + enq * sizeof(struct xhci_trb)) | 1);
	CHECK(sim_logged("usb: 1-5: no answer to SET_REPORT(LEDs): going on"));
	CHECK(!sim_logged("refused"));
	CHECK(!sim_logged("LED report not accepted"));
	CHECK_EQ(dev[1].class_req[SET_REPORT], 3); /* setup's, the lost one, Num Lock's */
	CHECK_EQ(sim.out_data[0], HID_LED_CAPSLOCK | HID_LED_NUMLOCK);
	CHECK(!d->busy);
	type_a(d);
	CHECK(key_was(2, KEY_A, true) && key_was(3, KEY_A, false));
	CHECK(listed("LEDs 0x3, "));
	cleanup();
}

static void led_report_unanswered_kept_event_first(void)
{
	led_report_unanswered_kept(false, XHCI_CC_STOPPED);
}

static void led_report_unanswered_kept_event_late(void)
{
	led_report_unanswered_kept(true, XHCI_CC_STOPPED_LENGTH_INVALID);
}

/* A keyboard that never answers any LED report: each lock key's report times out and
 * endpoint 0 is stopped past it (the Stopped event of the first, arriving while the second
 * hangs, ends nothing: it ended that one as "not accepted (code 26)"); after three in a row
 * no more is sent, said once, and typing goes on throughout. */
static void led_reports_unanswered_given_up(void)
{
	static const uint8_t locks[] = { KBD_LED_CAPSLOCK, KBD_LED_CAPSLOCK | KBD_LED_NUMLOCK,
					 KBD_LED_NUMLOCK, 0 };
	struct usb_dev *d;
	uint64_t first_status = 0;

	start_leds_off();
	d = ready_keyboard();
	dev[1].silent_class_req = SET_REPORT;
	for (unsigned int i = 0; i < 3; i++) {
		led_listener(locks[i]);
		CHECK(tick_until_op(d, LEDS_OP));
		if (i == 1) { /* a Stopped event for the first, late: this one hangs on */
			sim_post_transfer(&sim, d->slot, XHCI_DCI_EP0, first_status,
					  XHCI_CC_STOPPED, 0);
			ticks(2);
			CHECK(d->busy && d->op && !strcmp(d->op, LEDS_OP));
		}
		first_status = d->status_trb_phys;
		type_a(d);
		ticks_until_skipped(i + 1);
		if (!kept(d))
			return;
	}
	CHECK_EQ(key_events, 6u);
	CHECK(sim_logged(
		"usb: 1-5: LED report not answered 3 times in a row: its LEDs are left alone"));
	CHECK(!sim_logged("LED report not accepted"));
	led_listener(locks[3]);
	ticks(50);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 4); /* setup's and the three lost */
	CHECK_EQ(sim.commands[TRB_STOP_EP], 3);
	type_a(d);
	CHECK_EQ(key_events, 8u);
	CHECK(listed("(refused)"));
	CHECK(!sim_logged("refused:"));
	cleanup();
}

/* The stall probe on a keyboard that stalls its undefined request, then never answers the
 * SET_IDLE(0) after it: refused after the timeout, the probe's second code 0 (no answer),
 * and the Caps Lock pressed meanwhile queues nothing behind it (the keyboard went on as
 * K_RUN and sent its LED report to that stuck endpoint 0). */
static void probe_set_idle_unanswered_refused(void)
{
	struct usb_dev *d;
	int stalled = -1, after = -1;

	start_leds_off();
	dev[1].stall_undefined = true;
	d = ready_keyboard();
	dev[1].silent_class_req = SET_IDLE;
	CHECK(usb_kbd_stall_probe());
	CHECK(tick_until_op(d, "SET_IDLE(0)"));
	led_listener(KBD_LED_CAPSLOCK);
	ticks_until_gone_or_queued(d, d->ep0.enq);
	CHECK(sim_logged("usb: 1-5 0627:0001: refused: no answer to SET_IDLE(0)"));
	usb_kbd_probe_result(&stalled, &after);
	CHECK_EQ(stalled, XHCI_CC_STALL);
	CHECK_EQ(after, 0);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 1); /* setup's only */
	ticks(20);
	CHECK(usb_dev_list() == NULL); /* refused and gone */
	cleanup();
}

/* A keyboard that never answers its first LED report (setup's, all off): it is ready and
 * types from the moment that report goes out, while the report waits out its 2 s; then
 * endpoint 0 is stopped past it, the keyboard goes on, said once, and types on. (Its
 * interrupt transfers were queued only once that report was over: ready, and typing, 2 s
 * late.) */
static void first_led_report_unanswered_types_meanwhile(void)
{
	struct usb_dev *d;

	start_leds_off();
	dev[1].silent_class_req = SET_REPORT;
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	CHECK(tick_until_op(d, LEDS_OP));
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	CHECK(usb_kbd_ready(d));
	CHECK_EQ(usb_kbd_count(), 1);
	type_a(d);
	CHECK(key_was(0, KEY_A, true) && key_was(1, KEY_A, false));
	CHECK(d->busy && d->op && !strcmp(d->op, LEDS_OP)); /* the report still hangs */
	ticks_until_skipped(1);
	if (!kept(d))
		return;
	CHECK(sim_logged("usb: 1-5: no answer to SET_REPORT(LEDs): going on"));
	CHECK_EQ(sim.commands[TRB_STOP_EP], 1);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 1);
	type_a(d);
	CHECK(key_was(2, KEY_A, true) && key_was(3, KEY_A, false));
	CHECK(listed("LEDs 0x0, "));
	cleanup();
}

/* A keyboard that never answers SET_IDLE(0) at setup (KVM switches and cheap receivers
 * NAK it forever): after the 2 s timeout endpoint 0 is stopped past it and setup goes on,
 * said once, as for one that stalls it (HID 1.11 7.2.4): its LED report, ready, typing. (It
 * was refused: "no answer to SET_IDLE(0)".) */
static void set_idle_unanswered_kept(void)
{
	struct usb_dev *d;

	start_leds_off();
	dev[1].silent_class_req = SET_IDLE;
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks_until_skipped(1);
	ticks(50);
	CHECK(sim_logged("usb: 1-5: no answer to SET_IDLE(0): going on"));
	CHECK(!sim_logged("SET_IDLE not supported"));
	CHECK(!sim_logged("refused"));
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	CHECK_EQ(sim.commands[TRB_STOP_EP], 1);
	CHECK_EQ(dev[1].class_req[SET_IDLE], 1);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 1);
	CHECK(usb_dev_list() == d && usb_kbd_ready(d));
	if (usb_dev_list() == d && usb_kbd_ready(d)) {
		type_a(d);
		CHECK(key_was(0, KEY_A, true) && key_was(1, KEY_A, false));
	}
	cleanup();
}

/* As set_idle_unanswered_kept, the Stop Endpoint finding endpoint 0 not running: halted on
 * the request just then (its USB Transaction Error event comes while the command runs) or
 * stopped already. Context State Error; Set TR Dequeue Pointer is tried, and on a halted
 * endpoint fails the same way, so it is reset (Reset Endpoint, Set TR Dequeue Pointer)
 * before setup goes on. The keyboard is ready either way. */
static void stop_finds_not_running(bool halted)
{
	struct usb_dev *d;

	start_leds_off();
	sim.stop_finds_halted = halted;
	sim.stop_finds_stopped = !halted;
	dev[1].silent_class_req = SET_IDLE;
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks_until_skipped(halted ? 2 : 1);
	ticks(50);
	if (!kept(d))
		return;
	CHECK_EQ(sim.commands[TRB_STOP_EP], 1);
	CHECK_EQ(sim.commands[TRB_RESET_EP], halted ? 1 : 0);
	CHECK(sim_logged("usb: 1-5: no answer to SET_IDLE(0): going on"));
	CHECK(!sim_logged("refused"));
	CHECK(usb_dev_list() == d && usb_kbd_ready(d));
	cleanup();
}

static void stop_finds_halted(void) { stop_finds_not_running(true); }
static void stop_finds_stopped(void) { stop_finds_not_running(false); }

/* A keyboard that never answers SET_IDLE(0), on a controller that never completes the Stop
 * Endpoint meant to free endpoint 0 of it: the command is aborted after its own 2 s and the
 * keyboard refused, saying both (it cannot be sent another request), as before. */
static void stop_unanswered_refused(void)
{
	start_leds_off();
	sim.hang_cmd = TRB_STOP_EP;
	dev[1].silent_class_req = SET_IDLE;
	usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	host_time_skip_ns = 1000000;
	for (int i = 0; i < 6000 && usb_dev_list(); i++)
		ticks(1);
	host_time_skip_ns = 50000;
	CHECK(sim_logged("command Stop Endpoint timed out: aborting it"));
	CHECK(sim_logged(
		"usb: 1-5 0627:0001: refused: no answer to SET_IDLE(0) (Stop Endpoint not answered)"));
	CHECK(!sim_logged("going on"));
	CHECK(!sim_logged("ready in"));
	CHECK_EQ(dev[1].class_req[SET_REPORT], 0);
	CHECK(usb_dev_list() == NULL); /* refused and gone */
	cleanup();
}

/* A keyboard that never answers SET_PROTOCOL(boot): still in report protocol, as one that
 * stalls it, so it is read through its report descriptor and set up so, ready. */
static void set_protocol_unanswered_report_protocol(void)
{
	start_leds_off();
	dev[1].silent_class_req = SET_PROTOCOL;
	usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks_until_skipped(1);
	ticks(100);
	CHECK(sim_logged(
		"usb: 1-5: no answer to SET_PROTOCOL(boot): reading its report descriptor"));
	CHECK(sim_logged("usb: 1-5: report protocol: report ID 0"));
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	CHECK_EQ(dev[1].report_desc_asked, 1u);
	CHECK_EQ(dev[1].class_req[SET_IDLE], 1);
	CHECK(!sim_logged("refused"));
	cleanup();
}

/* A keyboard that stalls SET_PROTOCOL(boot) (HID 1.11 7.2.6 says a boot keyboard takes it;
 * some do not): it stays in report protocol, so its report descriptor is read (one
 * GET_DESCRIPTOR(report)) and it is driven through it: SET_IDLE, its LED report, ready. */
static void set_protocol_stall_report_protocol(void)
{
	start_leds_off();
	dev[1].stall_req = SET_PROTOCOL;
	dev[1].stall_type = 0x21;
	usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks(200);
	CHECK(sim_logged(
		"usb: 1-5: SET_PROTOCOL(boot) not supported (stalled): reading its report descriptor"));
	CHECK(sim_logged(
		"usb: 1-5: report protocol: report ID 0, 8 modifiers, 6-key array, 0-key bitmap, LEDs"));
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	CHECK_EQ(dev[1].class_req[SET_PROTOCOL], 1);
	CHECK_EQ(dev[1].report_desc_asked, 1u);
	CHECK_EQ(dev[1].class_req[SET_IDLE], 1);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 1);
	cleanup();
}

/* The stall probe run to its end (its second code known), or the keyboard refused
 * meanwhile. */
static void probe_until_done_or_refused(void)
{
	int stalled = -1, after = -1;

	CHECK(usb_kbd_stall_probe());
	for (int i = 0; i < 100 && after == -1 && !sim_logged("refused"); i++) {
		ticks(1);
		usb_kbd_probe_result(&stalled, &after);
	}
}

/* A keyboard that stalls SET_IDLE and the stall probe's requests and never answers its LED
 * reports, so that no request of its own ever works after SET_PROTOCOL: setup's SET_IDLE
 * halts endpoint 0, setup's LED report and two after lock keys are lost (then no more is
 * sent), and each stall probe halts it twice. Halts and requests never answered count
 * together: 4 recoveries, then 12 in six probes, and the seventh probe's undefined request,
 * the 17th in a row, refuses it, saying so. (Only halts counted: it was refused in the
 * eighth probe, and a device that ignored every request was never given up.) */
static void halts_and_timeouts_in_a_row_refused(void)
{
	struct usb_dev *d;
	unsigned int probes = 0;

	start_leds_off();
	dev[1].stall_undefined = true;
	dev[1].stall_req = SET_IDLE;
	dev[1].stall_type = CLASS_IFACE_OUT;
	dev[1].silent_class_req = SET_REPORT;
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks_until_skipped(2); /* SET_IDLE's halt, the LED report's timeout */
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	led_listener(KBD_LED_CAPSLOCK);
	ticks_until_skipped(3);
	led_listener(0);
	ticks_until_skipped(4);
	CHECK(sim_logged(
		"usb: 1-5: LED report not answered 3 times in a row: its LEDs are left alone"));
	if (!kept(d))
		return;
	while (probes < 10 && !sim_logged("refused")) {
		probe_until_done_or_refused();
		probes++;
	}
	CHECK_EQ(probes, 7u);
	CHECK(sim_logged("usb: 1-5 0627:0001: refused: endpoint 0 keeps halting or not answering: "
			 "17 times in a row, the last on undefined HID request (stall probe)"));
	CHECK_EQ(sim.commands[TRB_STOP_EP], 3);
	CHECK_EQ(sim.commands[TRB_RESET_EP], 1 + 12);
	ticks(20);
	CHECK(usb_dev_list() == NULL); /* refused and gone */
	cleanup();
}

/* usb_kbd_count (the self-test's and `devices`' count, usb_wait_settled's "ready") and the
 * `kbd` listing: one keyboard from the moment setup's LED report goes out (it is ready
 * before that report), while a lock key's LED report, then each of the stall probe's
 * requests, is in flight (a keyboard counted only while idle vanished from both at every
 * lock key); none once it is unplugged. */
static void ready_while_its_requests_in_flight(void)
{
	struct usb_dev *d;

	start_leds_off();
	dev[1].stall_undefined = true;
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	CHECK_EQ(usb_kbd_count(), 0);
	CHECK(tick_until_op(d, LEDS_OP));
	CHECK_EQ(usb_kbd_count(), 1);
	CHECK_EQ(usb_kbd_print(), 1);
	ticks(50);
	CHECK_EQ(usb_kbd_count(), 1);
	led_listener(KBD_LED_CAPSLOCK);
	CHECK(tick_until_op(d, LEDS_OP));
	CHECK_EQ(usb_kbd_count(), 1);
	CHECK_EQ(usb_kbd_print(), 1);
	CHECK(usb_kbd_stall_probe());
	CHECK(tick_until_op(d, PROBE_OP));
	CHECK_EQ(usb_kbd_count(), 1);
	CHECK(tick_until_op(d, "SET_IDLE(0)"));
	CHECK_EQ(usb_kbd_count(), 1);
	CHECK_EQ(usb_kbd_print(), 1);
	usb_dev_unplug(d);
	CHECK_EQ(usb_kbd_count(), 0);
	cleanup();
}

/* usb_kbd_stall_probe refuses a second probe while one is asked for or running (it reset
 * the codes the running one was about to fill, and its late answers landed in the new
 * probe's), takes one again once it is over, and once a keyboard unplugged mid-probe is
 * gone. */
static void probe_refused_while_running(void)
{
	struct usb_dev *d;
	int stalled = -1, after = -1;

	start_leds_off();
	dev[1].stall_undefined = true;
	d = ready_keyboard();
	CHECK(usb_kbd_stall_probe());
	CHECK(!usb_kbd_stall_probe()); /* asked for */
	CHECK(tick_until_op(d, PROBE_OP));
	CHECK(!usb_kbd_stall_probe()); /* its undefined request in flight */
	CHECK(tick_until_op(d, "SET_IDLE(0)"));
	CHECK(!usb_kbd_stall_probe()); /* its SET_IDLE(0) in flight */
	for (int i = 0; i < 100 && after == -1; i++) {
		ticks(1);
		usb_kbd_probe_result(&stalled, &after);
	}
	CHECK_EQ(stalled, XHCI_CC_STALL);
	CHECK_EQ(after, XHCI_CC_SUCCESS);
	CHECK(usb_kbd_stall_probe()); /* over: a new one runs */
	CHECK(tick_until_op(d, PROBE_OP));
	usb_dev_unplug(d);
	ticks(50);
	CHECK(usb_dev_list() == NULL);
	CHECK(usb_kbd_stall_probe()); /* its keyboard gone: the probe ended with it */
	cleanup();
}

int main(void)
{
	sim_log_start();
	RUN(probe_end_sends_pending_leds);
	RUN(lock_key_during_setup_sent);
	RUN(lock_key_during_led_report_sent);
	RUN(led_report_unanswered_kept_event_first);
	RUN(led_report_unanswered_kept_event_late);
	RUN(led_reports_unanswered_given_up);
	RUN(probe_set_idle_unanswered_refused);
	RUN(first_led_report_unanswered_types_meanwhile);
	RUN(set_idle_unanswered_kept);
	RUN(stop_finds_halted);
	RUN(stop_finds_stopped);
	RUN(stop_unanswered_refused);
	RUN(set_protocol_unanswered_report_protocol);
	RUN(set_protocol_stall_report_protocol);
	RUN(ready_while_its_requests_in_flight);
	RUN(halts_and_timeouts_in_a_row_refused);
	RUN(probe_refused_while_running); /* last: it leaves a probe asked for */
	return unit_summary();
}
