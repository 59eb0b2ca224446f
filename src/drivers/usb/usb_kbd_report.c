// SPDX-License-Identifier: MIT
/*
 * A HID keyboard's interrupt reports (usb_kbd.c sets the keyboard up): a boot report goes
 * through hid_kbd_diff into kbd_report_key(), with the repeat; in report protocol the
 * keyboard's input report is first turned into a boot report by the layout its report
 * descriptor declares (hid_desc.c), and its other reports (consumer keys ...) type nothing.
 * Those may be longer than the keyboard's own (a vendor report of 64 bytes and its ID, up
 * to HID_INPUT_REPORT_MAX): a report longer than any key report is read where it lies, by
 * its report ID, and never copied into the reports kept here (HID_KEY_REPORT_MAX bytes).
 *
 * Some keyboards take SET_PROTOCOL(boot) and go on sending their report-protocol reports
 * (a report ID first, an N-key bitmap), which read as boot reports type wrong keys or
 * none. A boot report is 8 bytes: the first report of another length makes the keyboard's
 * next step read its report descriptor (K_CHECK_DESC; the report, and any other of odd
 * length meanwhile, held until then: an 8-byte one that comes meanwhile stands over it, if
 * it proves a boot report), and a report that is the keyboard's input report as
 * declared there, whole or cut in two by the transfer length, switches it to the
 * report-protocol path for good, with one line; one of its other input reports
 * (media keys) types nothing. A descriptor that explains no such report, cannot be read
 * or never comes, leaves the keyboard on boot reports (said once): 8-byte reports,
 * whatever their reserved byte, never cost a request.
 */
#include <lios/kbd.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "usb_kbd_internal.h"

/* A boot report (len bytes) of d: its key events, and the repeat. */
static void take_boot_report(struct usb_dev *d, const uint8_t *boot, size_t len)
{
	struct hid_key_event ev[HID_KBD_MAX_EVENTS];
	struct usb_kbd *k = d->kbd;
	uint64_t now = usb_now_us();
	size_t n;

	k->reports++;
	n = hid_kbd_diff(&k->report, boot, len, ev);
	for (size_t i = 0; i < n; i++) {
		kbd_report_key(ev[i].key, ev[i].pressed);
		hid_repeat_event(&k->repeat, &ev[i], now);
	}
}

/* A report of d in report protocol, by its layout: rep, or prev and rep as one report when
 * joined. Another report of the device (consumer keys ...) is not a key: nothing. */
static void take_layout_report(struct usb_dev *d, const uint8_t *rep, size_t len,
			       const uint8_t *prev, size_t prev_len, bool joined)
{
	struct usb_kbd *k = d->kbd;
	uint8_t whole[2 * HID_KEY_REPORT_MAX];
	uint8_t boot[HID_KBD_REPORT_SIZE];

	if (joined) {
		memcpy(whole, prev, prev_len);
		memcpy(whole + prev_len, rep, len);
		rep = whole, len += prev_len;
	}
	if (hid_kbd_to_boot(&k->layout, rep, len, boot))
		take_boot_report(d, boot, sizeof(boot));
}

/* An interrupt report of d in report protocol. A keyboard switched to it at run time may
 * still complete transfers of its boot-protocol length: a report cut in two by one is
 * read whole from its two pieces. */
static void layout_report(struct usb_dev *d, const uint8_t *rep, size_t len)
{
	struct usb_kbd *k = d->kbd;
	bool joined = false;

	if (k->switched &&
	    hid_kbd_boot_verdict(&k->layout, rep, len, k->prev, k->prev_len, k->boot_asked,
				 &joined) == HID_VERDICT_KEYS &&
	    joined) {
		take_layout_report(d, rep, len, k->prev, k->prev_len, true);
		return;
	}
	take_layout_report(d, rep, len, NULL, 0, false);
}

/* rep (len bytes; prev, prev_len: the report before) is the keyboard's own input report
 * as its descriptor declares it, not a boot report: it is read by that layout from now
 * on (and its LEDs set in that report's form), as said in one line. */
static void switch_to_layout(struct usb_dev *d, const uint8_t *rep, size_t len, const uint8_t *prev,
			     size_t prev_len, bool joined)
{
	struct usb_kbd *k = d->kbd;
	char what[96];

	usb_kbd_use_layout(d, what, sizeof(what));
	k->switched = true;
	k->led_failed = false; /* the boot form it refused is not the one it gets now */
	k->led_request = true;
	printk(KERN_WARN "usb: %s: a %u-byte report after SET_PROTOCOL(boot), not a boot report: "
			 "report protocol: %s\n",
	       d->name, (unsigned int)(joined ? prev_len + len : len), what);
	take_layout_report(d, rep, len, prev, prev_len, joined);
}

/* A report of odd length from a keyboard in boot protocol, its report descriptor read:
 * switched to it, ignored, or read as a boot report, as the descriptor explains it. */
static void judge_report(struct usb_dev *d, const uint8_t *rep, size_t len, const uint8_t *prev,
			 size_t prev_len)
{
	struct usb_kbd *k = d->kbd;
	bool joined;

	switch (hid_kbd_boot_verdict(&k->layout, rep, len, prev, prev_len, k->boot_asked,
				     &joined)) {
	case HID_VERDICT_KEYS:
		switch_to_layout(d, rep, len, prev, prev_len, joined);
		return;
	case HID_VERDICT_OTHER:
		return; /* media keys, a vendor report ...: no key */
	case HID_VERDICT_BOOT:
		take_boot_report(d, rep, len);
		return;
	}
}

/* An interrupt report of d in boot protocol: an 8-byte one is a boot report; one of
 * another length is held until the report descriptor is read, then judged by it. */
static void boot_protocol_report(struct usb_dev *d, const uint8_t *rep, size_t len)
{
	struct usb_kbd *k = d->kbd;

	if (len == HID_KBD_REPORT_SIZE || k->check == CHECK_OFF) {
		/* a report is the keys held: a later one stands, and one held for the descriptor
		 * is not typed after it if it turns out a boot report */
		k->held_stale = k->check == CHECK_WANTED || k->check == CHECK_READING;
		take_boot_report(d, rep, len);
		return;
	}
	if (k->check == CHECK_KNOWN) {
		judge_report(d, rep, len, k->prev, k->prev_len);
		return;
	}
	if (k->check == CHECK_NONE)
		k->check = CHECK_WANTED;
	memcpy(k->held, rep, len); /* the latest: a report is the keys held, not a change */
	k->held_len = (uint8_t)len;
	k->held_stale = false;
	memcpy(k->held_prev, k->prev, k->prev_len);
	k->held_prev_len = k->prev_len;
}

/* The held report, judged a boot report: typed unless a boot report came after it. */
static void take_held_boot_report(struct usb_dev *d)
{
	struct usb_kbd *k = d->kbd;

	if (!k->held_stale)
		take_boot_report(d, k->held, k->held_len);
}

/* Endpoint 0 free, a report of odd length seen: its report descriptor asked for
 * (K_CHECK_DESC), or, when its HID descriptor names none LiOS reads, boot reports from now
 * on. */
void usb_kbd_check_desc_ask(struct usb_dev *d)
{
	struct usb_kbd *k = d->kbd;
	const char *why;

	if (usb_kbd_ask_report_desc(d, &why)) {
		k->check = CHECK_READING;
		k->state = K_CHECK_DESC;
		return;
	}
	k->check = CHECK_OFF;
	printk(KERN_INFO "usb: %s: a %u-byte report after SET_PROTOCOL(boot), but %s: "
			 "read as boot reports\n",
	       d->name, k->held_len, why);
	take_held_boot_report(d);
}

/*
 * K_CHECK_DESC over: the held report judged by the layout read, or, when it cannot be read
 * (stalled, failed, not understood, or never answered), taken as a boot report, as all from
 * now on. A keyboard whose request timed out is kept and read so, as one that stalled it:
 * it took SET_PROTOCOL(boot), whose reports HID 1.11 B.1 defines, and has been typing
 * through them; silence tells no more about its odd report than a stall does (some boot
 * keyboards send short boot reports), and refusing it would take away a keyboard that
 * types, over a request of LiOS's own. The request is not
 * sent again, so it costs endpoint 0 its 2 s once.
 */
void usb_kbd_check_desc_read(struct usb_dev *d)
{
	struct usb_kbd *k = d->kbd;
	const char *why = NULL;
	bool ok = d->cc == XHCI_CC_SUCCESS || d->cc == XHCI_CC_SHORT_PACKET;
	bool silent = usb_dev_timed_out(d);
	bool joined;

	if (silent || !ok ||
	    hid_parse_kbd_desc(d->buf, usb_kbd_report_desc_got(d), &k->layout, &why)) {
		k->check = CHECK_OFF;
		if (silent)
			printk(KERN_WARN
			       "usb: %s: a %u-byte report after SET_PROTOCOL(boot), but no answer "
			       "to GET_DESCRIPTOR(report): read as boot reports\n",
			       d->name, k->held_len);
		else
			printk(KERN_INFO
			       "usb: %s: a %u-byte report after SET_PROTOCOL(boot), but its report "
			       "descriptor could not be read: read as boot reports\n",
			       d->name, k->held_len);
		take_held_boot_report(d);
		return;
	}
	k->check = CHECK_KNOWN;
	if (hid_kbd_boot_verdict(&k->layout, k->held, k->held_len, k->held_prev, k->held_prev_len,
				 k->boot_asked, &joined) != HID_VERDICT_BOOT) {
		judge_report(d, k->held, k->held_len, k->held_prev, k->held_prev_len);
		return;
	}
	printk(KERN_INFO "usb: %s: a %u-byte report after SET_PROTOCOL(boot), but none its report "
			 "descriptor declares: read as boot reports\n",
	       d->name, k->held_len);
	take_held_boot_report(d);
}

/*
 * A report longer than any key report (HID_KEY_REPORT_MAX: the reader refuses a keyboard
 * whose own is longer), which only a keyboard in report protocol asks transfers that long
 * for: one of its other input reports (vendor, consumer, system control), recognised by its
 * report ID and ignored where it lies, or its own padded by the device, read from its
 * first bytes; in boot protocol, nothing. Neither is copied nor kept: no piece of a report
 * joins it.
 */
static void long_report(struct usb_dev *d, const uint8_t *rep, size_t len)
{
	struct usb_kbd *k = d->kbd;

	k->prev_len = 0;
	if (k->report_protocol)
		take_layout_report(d, rep, len, NULL, 0, false);
}

/* usb_kbd_report - one interrupt IN report of len bytes (at most its transfer's length).
 * Tick context, or the controller's interrupt. */
void usb_kbd_report(struct usb_dev *d, const uint8_t *data, size_t len)
{
	struct usb_kbd *k = d->kbd;

	if (!k)
		return;
	if (len > sizeof(k->prev)) {
		long_report(d, data, len);
		return;
	}
	if (k->report_protocol)
		layout_report(d, data, len);
	else
		boot_protocol_report(d, data, len);
	memcpy(k->prev, data, len);
	k->prev_len = (uint8_t)len;
}

/* usb_kbd_release_all - every key d holds is released, as an empty report would (no
 * report counted): its interrupt endpoint failed and the report that released one may be
 * lost. Tick context. */
void usb_kbd_release_all(struct usb_dev *d)
{
	static const uint8_t nothing[HID_KBD_REPORT_SIZE];
	struct hid_key_event ev[HID_KBD_MAX_EVENTS];
	size_t n;

	if (!d->kbd)
		return;
	d->kbd->prev_len = 0; /* the report before the next one is lost too */
	n = hid_kbd_diff(&d->kbd->report, nothing, sizeof(nothing), ev);
	for (size_t i = 0; i < n; i++) {
		kbd_report_key(ev[i].key, false);
		hid_repeat_event(&d->kbd->repeat, &ev[i], usb_now_us());
	}
}
