// SPDX-License-Identifier: MIT
/*
 * The HID boot keyboard class driver (HID 1.11 section 7.2 and appendix B). After
 * SET_CONFIGURATION: Configure Endpoint for the interrupt IN endpoint, SET_PROTOCOL(boot)
 * (devices start in report protocol), SET_IDLE(0) (report only on change: repeat is ours),
 * then 8 interrupt transfers kept queued (the keyboard is ready), and SET_REPORT with the
 * LED state the lock keys already set. A stalled SET_IDLE or LED report is fine (HID 1.11
 * lets a keyboard reject both; usb_enum_cmd.c has reset endpoint 0 by then), and so is one
 * never answered (KVM switches and cheap receivers NAK SET_IDLE forever, some keyboards
 * their LED report): usb_enum.c has stopped endpoint 0 and moved it past the request by
 * then, and the keyboard goes on (one that leaves LED_TIMEOUTS_MAX LED reports in a row
 * unanswered is sent no more); its interrupt endpoint types all the while. So does a ready
 * keyboard that never answers the self-test's stall probe or the report descriptor read for
 * its reports' shape (probe_request_over, usb_kbd_check_desc_read say why that is safe);
 * only the report descriptor a keyboard in report protocol must be read through refuses it
 * when it never comes, and endpoint 0's limit of recoveries in a row refuses one that
 * answers nothing (usb_enum_cmd.c). Each report goes through hid_kbd_diff into
 * kbd_report_key(), the same byte ring the 8042 fills, so layouts, dead keys and the line
 * editor treat both alike, and PS/2 and USB keyboards can type at the same time. Typematic
 * repeat (hid_repeat, 500 ms then 30 Hz) runs from the tick. LED changes come from kbd.c's
 * listener (thread context) as a request flag that the keyboard's next step with endpoint 0
 * free turns into SET_REPORT: the step that takes the answer to the request before it, when
 * one was in flight.
 *
 * A keyboard that stalls SET_PROTOCOL(boot), or never answers it, stays in report protocol
 * and is read through its report descriptor, as is every keyboard with `usb.kbd=report` and
 * a HID interface without the boot protocol that may be a keyboard: usb_kbd_desc.c.
 *
 * "kbd: usb <name> <vvvv:pppp> ready in N ms" is logged when the first transfers are queued
 * (N counted from the controller's takeover: the usb.enum_ms benchmark reads it). The
 * reports themselves, and a boot keyboard found sending report-protocol reports, are read
 * in usb_kbd_report.c.
 */
#include <lios/arch.h>
#include <lios/heap.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/timer.h>
#include <lios/usb.h>
#include "hid_desc.h"
#include "usb_internal.h"
#include "usb_kbd_internal.h"

/* HID class requests (HID 1.11 7.2). */
#define HID_REQ_SET_REPORT 0x09
#define HID_REQ_SET_IDLE 0x0a
#define HID_REQ_SET_PROTOCOL 0x0b
#define HID_RT_CLASS_IFACE_OUT 0x21
#define HID_PROTOCOL_BOOT 0
#define HID_REPORT_OUTPUT 0x02 /* wValue high byte of SET_REPORT */

#define HID_REQ_UNDEFINED 0x3f /* no HID request: a device stalls it (self-test) */

#define LED_TIMEOUTS_MAX 3 /* LED reports in a row never answered before none is sent more */

static bool report_protocol_always; /* usb.kbd=report */

/* The stall probe (usb_kbd_stall_probe): its two completion codes, -1 while pending. */
static volatile bool probe_wanted;
static volatile int probe_cc[2] = { -1, -1 };

static volatile uint8_t wanted_leds; /* KBD_LED_*, from kbd.c */

/* kbd.c's LED listener: every keyboard sends the new state on its next step. */
static void leds_changed(uint8_t leds)
{
	uint64_t flags = arch_irq_save();

	wanted_leds = leds;
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		if (d->kbd)
			d->kbd->led_request = true;
	arch_irq_restore(flags);
}

/* usb_kbd_use_report_protocol - every keyboard attached from now on is read in report
 * protocol through its report descriptor (usb.kbd=report), or, off, only one that refuses
 * the boot protocol. Boot, before usb_init's probe; host tests. */
void usb_kbd_use_report_protocol(bool on) { report_protocol_always = on; }

/* usb_kbd_attach - d's boot keyboard interface, or a HID interface that may be a keyboard
 * (d->hid_probe), is chosen and configured: start the class steps. Tick context. */
void usb_kbd_attach(struct usb_dev *d)
{
	static bool listening;

	d->kbd = heap_calloc(1, sizeof(*d->kbd));
	if (!d->kbd) {
		usb_dev_refuse(d, "out of memory");
		return;
	}
	if (!listening) {
		wanted_leds = kbd_leds();
		kbd_set_led_listener(leds_changed);
		listening = true;
	}
	hid_repeat_init(&d->kbd->repeat, HID_REPEAT_DELAY_MS, HID_REPEAT_RATE_HZ);
	/* a layout read once the endpoint is set up (usb_kbd_use_layout), or that a boot
	 * keyboard's reports switch it to, may ask for transfers of any input report's length */
	d->intr_len_max = XHCI_INTR_LEN_MAX;
	if (d->hid_probe)
		d->kbd->state = K_READ_DESC; /* nothing configured for a device left alone */
}

/* SET_REPORT with the LED state: the boot report's one byte, or in report protocol the
 * output report the layout declares (its ID byte first, and in wValue). False, nothing
 * sent, when the keyboard declares no lock LED. */
static bool send_leds(struct usb_dev *d)
{
	struct usb_kbd *k = d->kbd;
	uint8_t leds = hid_leds_from_kbd(wanted_leds);
	uint16_t value = HID_REPORT_OUTPUT << 8;
	size_t len = 1;

	k->led_request = false;
	d->buf[0] = leds;
	if (k->report_protocol) {
		len = hid_kbd_led_report(&k->layout, leds, d->buf, USB_DEV_PAGE);
		if (!len)
			return false; /* leds_sent stays as it was: nothing was sent */
		value |= k->layout.led_report_id;
	}
	k->leds_sent = leds;
	xhci_control(d, HID_RT_CLASS_IFACE_OUT, HID_REQ_SET_REPORT, value, iface_number(d),
		     (uint16_t)len, "SET_REPORT(LEDs)");
	return true;
}

/* The keyboard did not take its LED report (a stall: HID 1.11 allows it): it is not sent
 * another, since every try halts endpoint 0 and costs a recovery. Said once. */
static void led_refused(struct usb_dev *d)
{
	if (d->kbd->led_failed)
		return;
	d->kbd->led_failed = true;
	printk(KERN_WARN "usb: %s: LED report not accepted (code %u): its LEDs are left alone\n",
	       d->name, d->cc);
}

/* True when the last request is over: answered, whatever the answer, or never answered
 * and endpoint 0 stopped past it (timed out: usb_enum_cmd.c, which refuses a device whose
 * requests keep going unanswered). Any other end (no completion code at all) refuses d
 * through usb_dev_ok: the caller sends nothing more. */
static bool request_over(struct usb_dev *d)
{
	if (d->cc || usb_dev_timed_out(d))
		return true;
	usb_dev_ok(d);
	return false;
}

/* The LED report was never answered (endpoint 0 has been stopped past it): the keyboard
 * goes on, said once; after LED_TIMEOUTS_MAX in a row it is sent no more (each one holds
 * endpoint 0 for the whole timeout), said once too. */
static void led_timed_out(struct usb_dev *d)
{
	struct usb_kbd *k = d->kbd;

	if (!k->led_timeouts_said) {
		k->led_timeouts_said = true;
		printk(KERN_WARN "usb: %s: no answer to SET_REPORT(LEDs): going on\n", d->name);
	}
	if (++k->led_timeouts < LED_TIMEOUTS_MAX || k->led_failed)
		return;
	k->led_failed = true;
	printk(KERN_WARN "usb: %s: LED report not answered %u times in a row: "
			 "its LEDs are left alone\n",
	       d->name, k->led_timeouts);
}

/* The LED report is over: true, unless it ended otherwise (refused by request_over). A
 * refusal is noted once (led_refused) and not held against the keyboard, nor
 * is silence (led_timed_out): LEDs are a nicety, typing works without them. */
static bool leds_answered(struct usb_dev *d)
{
	if (usb_dev_timed_out(d)) {
		led_timed_out(d);
		return true;
	}
	if (!request_over(d))
		return false;
	d->kbd->led_timeouts = 0;
	if (d->cc != XHCI_CC_SUCCESS)
		led_refused(d);
	return true;
}

static void start_reports(struct usb_dev *d);
static void run_requests(struct usb_dev *d);

static void send_idle(struct usb_dev *d)
{
	xhci_control(d, HID_RT_CLASS_IFACE_OUT, HID_REQ_SET_IDLE, 0, iface_number(d), 0,
		     "SET_IDLE(0)");
	d->kbd->state = K_LEDS;
}

/* K_LEDS: SET_IDLE(0) done, or stalled: HID 1.11 7.2.4 lets a keyboard not support it (it
 * then repeats its report every few ms, which the differ ignores: no change, no key), or
 * never answered, which ends the same way (endpoint 0 stopped past it). Any other outcome
 * refuses d. Then d is ready, and the LED state the lock keys already set goes out as a
 * lock key's would: a keyboard that never answers that report types meanwhile, not only
 * once it has waited its 2 s out. */
static void send_first_leds(struct usb_dev *d)
{
	if (d->cc == XHCI_CC_STALL)
		printk(KERN_INFO "usb: %s: SET_IDLE not supported (stalled): going on\n", d->name);
	else if (usb_dev_timed_out(d))
		printk(KERN_WARN "usb: %s: no answer to SET_IDLE(0): going on\n", d->name);
	else if (!usb_dev_ok(d))
		return;
	start_reports(d);
	d->kbd->led_request = true;
	run_requests(d);
}

/* Setup done but for the LEDs: the interrupt transfers are queued and the keyboard is ready
 * (the "ready in N ms" line). */
static void start_reports(struct usb_dev *d)
{
	d->kbd->boot_asked = xhci_intr_len(d);
	for (int i = 0; i < XHCI_INTR_QUEUED; i++)
		xhci_intr_queue(d);
	xhci_ring_doorbell(d->hc, d->slot, d->intr_dci);
	d->kbd->state = K_RUN;
	printk("kbd: usb %s %04x:%04x ready in %lu ms\n", d->name, d->desc.vendor, d->desc.product,
	       (unsigned long)((usb_now_us() - d->hc->takeover_us) / 1000));
}

/*
 * One of the stall probe's requests is over: its completion code into *cc (0: no answer),
 * and true when the keyboard goes on. One never answered does not refuse the keyboard, as
 * SET_IDLE's does not at setup: neither request changes what the keyboard is (the
 * undefined request means nothing to it, SET_IDLE(0) is setup's again), so a keyboard that
 * ignores them (behind a KVM that NAKs what it does not know) is driven on as before, in
 * the protocol it took at setup, with endpoint 0 stopped past the request (usb_enum_cmd.c);
 * the self-test sees the 0 and fails, which is what it is for. A keyboard that answers
 * nothing at all is refused by endpoint 0's limit of recoveries in a row.
 */
static bool probe_request_over(struct usb_dev *d, volatile int *cc)
{
	*cc = usb_dev_timed_out(d) ? 0 : (int)d->cc;
	if (!request_over(d))
		return false;
	if (usb_dev_timed_out(d))
		printk(KERN_WARN "usb: %s: no answer to %s: going on\n", d->name, d->op);
	return true;
}

/* K_PROBE_STALL: the stall probe's undefined request is over; its code is kept and
 * SET_IDLE(0) goes out, which must work on the endpoint 0 reset after the stall. */
static void probe_send_idle(struct usb_dev *d)
{
	if (!probe_request_over(d, &probe_cc[0]))
		return;
	xhci_control(d, HID_RT_CLASS_IFACE_OUT, HID_REQ_SET_IDLE, 0, iface_number(d), 0,
		     "SET_IDLE(0)");
	d->kbd->state = K_PROBE_AFTER;
}

/* Endpoint 0 free: the keyboard is (back) in K_RUN, and a stall probe asked for goes out
 * first, else the LED state after a lock key (dropped when the keyboard refused LEDs once:
 * each try would halt endpoint 0). Every step that frees endpoint 0 of a ready keyboard
 * ends here, so what waited goes out in that same step. */
static void run_requests(struct usb_dev *d)
{
	struct usb_kbd *k = d->kbd;

	k->state = K_RUN;
	if (probe_wanted) {
		probe_wanted = false;
		xhci_control(d, HID_RT_CLASS_IFACE_OUT, HID_REQ_UNDEFINED, 0, iface_number(d), 0,
			     "undefined HID request (stall probe)");
		k->state = K_PROBE_STALL;
		return;
	}
	if (k->check == CHECK_WANTED) {
		usb_kbd_check_desc_ask(d);
		if (k->state != K_RUN)
			return;
	}
	if (k->led_request && k->led_failed) {
		k->led_request = false; /* it refused them once: each try would halt endpoint 0 */
	} else if (k->led_request && send_leds(d)) {
		k->state = K_LED_DONE;
	}
}

/* usb_kbd_step - one class step (see the top comment). Tick context, d not busy. */
void usb_kbd_step(struct usb_dev *d)
{
	struct usb_kbd *k = d->kbd;

	if (k->frozen)
		return;
	switch (k->state) {
	case K_CONFIG_EP:
		if (usb_dev_configure_ep(d, &d->cfg.iface[d->iface].int_in, NULL))
			k->state = K_PROTOCOL;
		return;
	case K_PROTOCOL:
		if (!usb_dev_ok(d))
			return;
		if (k->report_protocol) {
			send_idle(d); /* d->hid_probe: its layout read before its endpoint */
			return;
		}
		if (report_protocol_always) {
			usb_kbd_get_report_desc(d);
			return;
		}
		xhci_control(d, HID_RT_CLASS_IFACE_OUT, HID_REQ_SET_PROTOCOL, HID_PROTOCOL_BOOT,
			     iface_number(d), 0, "SET_PROTOCOL(boot)");
		k->state = K_IDLE;
		return;
	case K_IDLE:
		if (d->cc == XHCI_CC_STALL) {
			printk(KERN_WARN "usb: %s: SET_PROTOCOL(boot) not supported (stalled): "
					 "reading its report descriptor\n",
			       d->name);
			usb_kbd_get_report_desc(d);
			return;
		}
		if (usb_dev_timed_out(d)) { /* still in report protocol, as after a stall */
			printk(KERN_WARN "usb: %s: no answer to SET_PROTOCOL(boot): reading its "
					 "report descriptor\n",
			       d->name);
			usb_kbd_get_report_desc(d);
			return;
		}
		if (usb_dev_ok(d))
			send_idle(d);
		return;
	case K_READ_DESC:
		usb_kbd_get_report_desc(d);
		return;
	case K_REPORT_DESC:
		if (!usb_kbd_take_layout(d))
			return; /* refused or left alone (k is gone), or another interface read */
		if (d->hid_probe)
			k->state = K_CONFIG_EP; /* a keyboard: its endpoint now, then SET_IDLE */
		else
			send_idle(d);
		return;
	case K_LEDS:
		send_first_leds(d);
		return;
	case K_LED_DONE:
		/* back to running, never on to the stall probe's SET_IDLE(0): that one is the
		 * self-test's alone (a keyboard that stalls it would halt endpoint 0 on every
		 * lock key) */
		if (leds_answered(d))
			run_requests(d);
		return;
	case K_PROBE_STALL:
		probe_send_idle(d);
		return;
	case K_PROBE_AFTER:
		if (probe_request_over(d, &probe_cc[1]))
			run_requests(d);
		return;
	case K_CHECK_DESC:
		/* never answered: judged by usb_kbd_check_desc_read, the keyboard kept */
		if (request_over(d)) {
			usb_kbd_check_desc_read(d);
			run_requests(d);
		}
		return;
	case K_RUN:
		run_requests(d);
		return;
	}
}

/* usb_kbd_free - the keyboard is gone: release what it held down, stop its repeat. */
void usb_kbd_free(struct usb_dev *d)
{
	struct usb_kbd *k = d->kbd;

	if (!k)
		return;
	usb_kbd_release_all(d); /* a held Shift must not stay held */
	if (k->state >= K_RUN)
		printk("kbd: usb %s removed\n", d->name);
	d->kbd = NULL;
	heap_free(k);
}

/* Every keyboard on hc lets go of its keys, as an empty report would, and sends nothing
 * more; said, when warn, for each one that was ready. */
static void freeze_keyboards(struct xhci *hc, bool warn)
{
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next) {
		if (d->hc != hc || !d->kbd || d->kbd->frozen)
			continue;
		usb_kbd_release_all(d);
		d->kbd->frozen = true;
		if (warn && d->kbd->state >= K_RUN)
			printk(KERN_WARN "kbd: usb %s: its controller stopped: keys released\n",
			       d->name);
	}
}

/*
 * usb_kbd_controller_stopped - hc stopped on an error without halting, so its devices and
 * their memory are kept (it may still write there) but no report will come again: every
 * keyboard on it lets go of its keys, as an empty report would (a key held now would
 * otherwise repeat forever), and sends nothing more. Nothing is freed. Tick context.
 */
void usb_kbd_controller_stopped(struct xhci *hc) { freeze_keyboards(hc, true); }

/*
 * usb_kbd_controller_shut_down - usb_shutdown stopped hc (its own line says so): as
 * usb_kbd_controller_stopped, without a line per keyboard. The machine may go on after
 * all (S5 that failed), and a key held now must not stay down or repeat. Interrupts off.
 */
void usb_kbd_controller_shut_down(struct xhci *hc) { freeze_keyboards(hc, false); }

/* usb_kbd_tick - typematic repeats that are due. Tick context. */
void usb_kbd_tick(void)
{
	uint64_t now = usb_now_us();
	uint16_t key;

	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		if (d->kbd && d->kbd->state >= K_RUN && !d->kbd->frozen &&
		    hid_repeat_poll(&d->kbd->repeat, now, &key))
			kbd_report_key(key, true);
}

/*
 * usb_kbd_print - one "kbd: usb <name> vvvv:pppp, <speed> speed, LEDs xx, N reports" line
 * per ready USB keyboard (" in report protocol" after the count when it is read so);
 * returns how many. Thread context.
 */
unsigned int usb_kbd_print(void)
{
	unsigned int n = 0;
	uint64_t flags = arch_irq_save();

	for (struct usb_dev *d = usb_dev_list(); d; d = d->next) {
		struct usb_kbd *k = d->kbd;

		if (!k || k->state < K_RUN)
			continue;
		printk("kbd: usb %s %04x:%04x, %s speed, LEDs %#x%s, %lu reports%s%s\n", d->name,
		       d->desc.vendor, d->desc.product, usb_speed_name(d->speed), k->leds_sent,
		       k->led_failed ? " (refused)" : "", (unsigned long)k->reports,
		       k->report_protocol ? " in report protocol" : "",
		       k->frozen ? ", controller stopped" : "");
		n++;
	}
	arch_irq_restore(flags);
	return n;
}

/* usb_kbd_ready - d is a keyboard whose setup is done: its reports are taken while its
 * controller runs (usb_kbd_count counts those whose controller was not stopped). Tick
 * context, or interrupts off. */
bool usb_kbd_ready(const struct usb_dev *d) { return d->kbd && d->kbd->state >= K_RUN; }

/* usb_kbd_count - USB keyboards that can type: ready, their controller not stopped (a
 * frozen keyboard stays listed by usb_kbd_print, but no report comes from it). Any
 * context. */
unsigned int usb_kbd_count(void)
{
	unsigned int n = 0;
	uint64_t flags = arch_irq_save();

	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		if (usb_kbd_ready(d) && !d->kbd->frozen)
			n++;
	arch_irq_restore(flags);
	return n;
}

/* Whether a keyboard still in the list runs the stall probe (one unplugged or refused
 * mid-probe leaves it, so its probe ends with it). Thread context. */
static bool probe_in_flight(void)
{
	uint64_t flags = arch_irq_save();
	bool busy = false;

	for (struct usb_dev *d = usb_dev_list(); d && !busy; d = d->next)
		busy = d->kbd && !d->failed && !d->gone &&
		       (d->kbd->state == K_PROBE_STALL || d->kbd->state == K_PROBE_AFTER);
	arch_irq_restore(flags);
	return busy;
}

/*
 * usb_kbd_stall_probe - self-test of endpoint 0 stall recovery on a real keyboard: the
 * next ready keyboard's step sends a request no HID device knows (it stalls: endpoint 0
 * halts and is reset, usb_enum_cmd.c), then SET_IDLE(0) again, which must succeed. Returns
 * false while a probe is pending or running (a second one would reset the codes the first
 * is about to fill). usb_kbd_probe_result gives the two completion codes
 * (-1 until each is known). Thread context.
 */
bool usb_kbd_stall_probe(void)
{
	if (probe_wanted || probe_in_flight())
		return false;
	probe_cc[0] = probe_cc[1] = -1;
	probe_wanted = true;
	return true;
}

void usb_kbd_probe_result(int *stalled, int *after)
{
	*stalled = probe_cc[0];
	*after = probe_cc[1];
}
