// SPDX-License-Identifier: MIT
/*
 * Host tests of the HID boot keyboard's class steps (src/drivers/usb/usb_kbd.c) as a tick
 * sees them, on the simulated controller and devices of ep0_harness.h (test_usb_ep0.c's):
 * the LED report waiting for the stall probe goes out in the very step that ends it, and
 * one waiting for the first LED report of setup, or a later one, in the step that takes
 * that one's answer; a second stall probe is refused while one runs; a keyboard that
 * stalls SET_PROTOCOL(boot) is read in report protocol; a ready keyboard stays counted and
 * listed while a request of its own is in flight. Setup, stalls tolerated by HID 1.11 and
 * the stall probe's halts: test_usb_ep0.c; keyboards that leave requests unanswered:
 * test_usb_kbd_silent.c.
 */
#include "ep0_harness.h"

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
	RUN(set_protocol_stall_report_protocol);
	RUN(ready_while_its_requests_in_flight);
	RUN(probe_refused_while_running); /* last: it leaves a probe asked for */
	return unit_summary();
}
