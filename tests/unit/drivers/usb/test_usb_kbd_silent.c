// SPDX-License-Identifier: MIT
/*
 * Host tests of HID keyboards that leave requests unanswered (src/drivers/usb/usb_kbd.c,
 * with usb_enum.c and usb_enum_cmd.c stopping endpoint 0 past each), tick by tick on the
 * simulated controller and devices of ep0_harness.h: a keyboard that never answers an
 * optional request (its LED report, SET_IDLE at setup) is kept once endpoint 0 is stopped
 * past it (Stop Endpoint in the orders and outcomes a controller gives), and sent no LED
 * report after three lost in a row; one that never answers setup's LED report types
 * meanwhile; one that never answers the self-test's stall probe (its undefined request,
 * or the SET_IDLE(0) after it) goes on once endpoint 0 is stopped past it, with nothing
 * queued behind it meanwhile; one whose Stop Endpoint never completes is refused; one that
 * never answers SET_PROTOCOL(boot) is read in report protocol; halts of endpoint 0 and
 * requests never answered count together toward the limit of recoveries in a row, which
 * refuses a keyboard that answers nothing. The keyboard's other class steps:
 * test_usb_kbd.c.
 */
#include "ep0_harness.h"

/* Ticks with 1 ms per clock read, past a request's 2 s timeout, until d is gone or puts
 * anything more on its endpoint 0 ring (enq: where it stood). */
static void ticks_until_gone_or_queued(struct usb_dev *d, unsigned int enq)
{
	host_time_skip_ns = 1000000;
	for (int i = 0; i < 3000 && usb_dev_list() == d && d->ep0.enq == enq; i++)
		ticks(1);
	host_time_skip_ns = 50000;
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
 * SET_IDLE(0) after it: the probe's second code is 0 (no answer), and once endpoint 0 is
 * stopped past that request the keyboard goes on, said once, as after setup's SET_IDLE:
 * nothing was queued behind the request while it hung, the Caps Lock pressed meanwhile
 * goes out next and is answered, and a key types. (It was refused: "no answer to
 * SET_IDLE(0)".) */
static void probe_set_idle_unanswered_kept(void)
{
	struct usb_dev *d;
	int stalled = -1, after = -1;
	unsigned int enq;

	start_leds_off();
	dev[1].stall_undefined = true;
	d = ready_keyboard();
	dev[1].silent_class_req = SET_IDLE;
	CHECK(usb_kbd_stall_probe());
	CHECK(tick_until_op(d, "SET_IDLE(0)"));
	enq = d->ep0.enq;
	led_listener(KBD_LED_CAPSLOCK);
	ticks_until_gone_or_queued(d, enq);
	if (!kept(d))
		return;
	CHECK_EQ(sim.commands[TRB_STOP_EP], 1); /* the request stopped before the next one */
	CHECK(sim_logged("usb: 1-5: no answer to SET_IDLE(0): going on"));
	usb_kbd_probe_result(&stalled, &after);
	CHECK_EQ(stalled, XHCI_CC_STALL);
	CHECK_EQ(after, 0);
	ticks(20);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 2); /* setup's and Caps Lock's */
	CHECK_EQ(sim.out_data[0], HID_LED_CAPSLOCK);
	type_a(d);
	CHECK(key_was(0, KEY_A, true) && key_was(1, KEY_A, false));
	CHECK(!sim_logged("refused"));
	cleanup();
}

/* The self-test's stall probe on a keyboard that never answers it: after the 2 s timeout
 * endpoint 0 is stopped past the request, and only then is the probe's SET_IDLE(0) queued
 * (once SET_IDLE(0) was queued behind the stuck request, and LED reports after it); the
 * first code is 0 (no answer), the keyboard goes on, said once, and stays ready. (It was
 * refused: "no answer to undefined HID request (stall probe)".) */
static void stall_probe_unanswered_kept(void)
{
	struct usb_dev *d;
	int stalled = -1, after = -1;
	uint64_t enq;

	start_leds_off();
	d = ready_keyboard();
	dev[1].silent_class_req = 0x3f; /* the probe's undefined request */
	CHECK(usb_kbd_stall_probe());
	ticks(2);
	CHECK(d->busy && d->op && strstr(d->op, "stall probe"));
	enq = d->ep0.enq;
	host_time_skip_ns = 1000000;
	for (int i = 0; i < 3000 && usb_dev_list() == d && d->ep0.enq == enq; i++)
		ticks(1);
	CHECK_EQ(sim.commands[TRB_SET_TR_DEQUEUE], 1); /* stopped past it before SET_IDLE(0) */
	for (int i = 0; i < 50 && usb_dev_list() == d && after == -1; i++) {
		ticks(1);
		usb_kbd_probe_result(&stalled, &after);
	}
	host_time_skip_ns = 50000;
	CHECK(sim_logged("usb: 1-5: no answer to undefined HID request (stall probe): going on"));
	CHECK(!sim_logged("refused"));
	CHECK_EQ(stalled, 0);
	CHECK_EQ(after, XHCI_CC_SUCCESS);
	CHECK_EQ(dev[1].class_req[SET_IDLE], 2); /* setup's and the probe's */
	CHECK(usb_dev_list() == d && !d->failed && usb_kbd_ready(d));
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

/* The stall probe run to its end (its second code known), or the keyboard refused
 * meanwhile. */
static void probe_until_done_or_refused(void)
{
	int stalled = -1, after = -1;

	CHECK(usb_kbd_stall_probe());
	host_time_skip_ns = 1000000; /* 1 ms per clock read: a request's 2 s pass in ticks */
	for (int i = 0; i < 6000 && after == -1 && !sim_logged("refused"); i++) {
		ticks(1);
		usb_kbd_probe_result(&stalled, &after);
	}
	host_time_skip_ns = 50000;
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

/* A ready keyboard that stops answering any HID class request (what is left of a KVM's
 * keyboard once its host has switched away, say): three LED reports lost after lock keys,
 * then no more is sent; then stall probes, each request of which times out and is gone
 * past, the keyboard going on (said), until the 17th request in a row never answered, the
 * seventh probe's SET_IDLE(0), refuses it, saying so, before endpoint 0 is stopped a 17th
 * time. (A probe never answered refused it at once; a keyboard whose lost requests were all
 * optional was never given up.) */
static void nothing_answered_refused(void)
{
	static const uint8_t locks[] = { KBD_LED_CAPSLOCK, KBD_LED_NUMLOCK, 0 };
	struct usb_dev *d;
	unsigned int probes = 0;

	start_leds_off();
	d = ready_keyboard();
	dev[1].silent_class = true;
	for (unsigned int i = 0; i < 3; i++) {
		led_listener(locks[i]);
		ticks_until_skipped(i + 1);
	}
	CHECK(sim_logged(
		"usb: 1-5: LED report not answered 3 times in a row: its LEDs are left alone"));
	if (!kept(d))
		return;
	while (probes < 10 && !sim_logged("refused")) {
		probe_until_done_or_refused();
		probes++;
	}
	CHECK_EQ(probes, 7u);
	CHECK(sim_logged("usb: 1-5: no answer to undefined HID request (stall probe): going on"));
	CHECK(sim_logged("usb: 1-5 0627:0001: refused: endpoint 0 keeps halting or not answering: "
			 "17 times in a row, the last on SET_IDLE(0)"));
	CHECK_EQ(sim.commands[TRB_STOP_EP], 16);
	CHECK_EQ(sim.commands[TRB_RESET_EP], 0);
	ticks(20);
	CHECK(usb_dev_list() == NULL); /* refused and gone */
	cleanup();
}

int main(void)
{
	sim_log_start();
	RUN(led_report_unanswered_kept_event_first);
	RUN(led_report_unanswered_kept_event_late);
	RUN(led_reports_unanswered_given_up);
	RUN(stall_probe_unanswered_kept);
	RUN(probe_set_idle_unanswered_kept);
	RUN(first_led_report_unanswered_types_meanwhile);
	RUN(set_idle_unanswered_kept);
	RUN(stop_finds_halted);
	RUN(stop_finds_stopped);
	RUN(stop_unanswered_refused);
	RUN(set_protocol_unanswered_report_protocol);
	RUN(halts_and_timeouts_in_a_row_refused);
	RUN(nothing_answered_refused);
	return unit_summary();
}
