// SPDX-License-Identifier: MIT
/*
 * A HID keyboard read through its report descriptor (usb_kbd.c sets the keyboard up and
 * calls in here; usb_kbd_report.c reads its reports by the layout taken here). A keyboard
 * that stalls SET_PROTOCOL(boot), or never answers it, stays in report protocol, as every
 * keyboard is when it starts and as Linux drives them: it is then read through its report
 * descriptor (GET_DESCRIPTOR(report), parsed by hid_desc.c), whose input report is turned
 * into a boot report (hid_layout.c), and sent the LED report the layout declares.
 * `usb.kbd=report` on the command line takes that path for every keyboard, without
 * SET_PROTOCOL (for keyboards whose boot protocol is broken in a way no request shows, and
 * to test the path on QEMU's). A HID interface without the boot protocol (subclass 0, or the
 * boot subclass naming no keyboard or mouse), on a device with no boot keyboard or hub, is
 * read the same way: a keyboard when its report descriptor declares keys; else the device's
 * next such interface is read, and with none left the device is left alone
 * (usb_dev_leave_alone: a tablet, a gamepad). The same request serves the shape check of a
 * boot keyboard's reports (usb_kbd_report.c). Tick context throughout.
 */
#include <lios/errno.h>
#include <lios/printk.h>
#include "hid_desc.h"
#include "usb_internal.h"
#include "usb_kbd_internal.h"

#define USB_RT_IFACE_IN 0x81 /* standard request to an interface, device to host */
#define USB_REQ_GET_DESCRIPTOR 0x06

/* d is refused for why; or, when it is a HID interface without boot protocol that may not
 * be a keyboard at all (d->hid_probe), the device's next such interface is read for keys
 * (a composite device's keyboard need not be its first HID interface), and with none left
 * d is left alone. */
static void not_a_keyboard(struct usb_dev *d, const char *why)
{
	int next;

	if (!d->hid_probe) {
		usb_dev_refuse(d, why);
		return;
	}
	next = usb_find_hid_iface(&d->cfg, d->iface + 1);
	if (next < 0) {
		usb_dev_leave_alone(d, why);
		return;
	}
	printk(KERN_INFO "usb: %s: interface %u: %s: reading interface %u\n", d->name,
	       iface_number(d), why, d->cfg.iface[next].number);
	d->iface = next;
	d->kbd->state = K_READ_DESC;
}

/* GET_DESCRIPTOR(report) for the length the HID descriptor gave; false, nothing sent, with
 * *why set when it gave none or one longer than LiOS reads. */
bool usb_kbd_ask_report_desc(struct usb_dev *d, const char **why)
{
	uint16_t len = d->cfg.iface[d->iface].report_desc_len;

	if (!len || len > HID_REPORT_DESC_MAX) {
		*why = len ? "report descriptor longer than 4096 bytes"
			   : "no report descriptor named by its HID descriptor";
		return false;
	}
	xhci_control(d, USB_RT_IFACE_IN, USB_REQ_GET_DESCRIPTOR, USB_DT_HID_REPORT << 8,
		     iface_number(d), len, "GET_DESCRIPTOR(report)");
	return true;
}

/* Report protocol: the report descriptor asked for. A keyboard that names none, or one
 * longer than LiOS reads, is refused. */
void usb_kbd_get_report_desc(struct usb_dev *d)
{
	const char *why;

	if (!usb_kbd_ask_report_desc(d, &why)) {
		not_a_keyboard(d, why);
		return;
	}
	d->kbd->state = K_REPORT_DESC;
}

/* The report descriptor's bytes that came (d->residual of what was asked missing). */
size_t usb_kbd_report_desc_got(const struct usb_dev *d)
{
	uint16_t asked = d->cfg.iface[d->iface].report_desc_len;

	return d->residual <= asked ? asked - d->residual : 0;
}

static_assert(HID_INPUT_REPORT_MAX <= XHCI_INTR_LEN_MAX, "a transfer holds any input report");

/*
 * k->layout is read: d is read through it from now on, its interrupt transfers as long as
 * its longest input report (or its max packet up to XHCI_INTR_LEN_DEFAULT, if longer), so
 * that every report it sends ends a transfer of its own. Its interrupt buffer, made for the
 * longest any layout may need when the endpoint was set up before the layout was known, is
 * made for this one while no transfer is queued yet (a failure keeps the larger one); a
 * keyboard switched while running keeps it, and it holds any. Its description into what.
 */
void usb_kbd_use_layout(struct usb_dev *d, char *what, size_t n)
{
	struct usb_kbd *k = d->kbd;

	k->report_protocol = true;
	d->intr_len = MAX(k->layout.in_max_bytes, MIN(d->cfg.iface[d->iface].int_in.max_packet,
						      (uint16_t)XHCI_INTR_LEN_DEFAULT));
	d->intr_len_max = d->intr_len;
	if (d->intr_buf && k->state < K_RUN)
		xhci_intr_buf_alloc(d, d->intr_len);
	hid_kbd_layout_describe(&k->layout, what, n);
}

/* K_REPORT_DESC answered: the layout from the bytes that came (true), or d refused, left
 * alone or its next HID interface read (not_a_keyboard), with the reason (false); the
 * interrupt transfers are made as long as its longest input report. */
bool usb_kbd_take_layout(struct usb_dev *d)
{
	static char msg[96];
	struct usb_kbd *k = d->kbd;
	const char *why = NULL;
	char what[96];
	int err;

	/* rejected or failed: left alone; never answered (cc 0): refused by
	 * usb_dev_ok, as for any request, its endpoint 0 still stuck on it */
	if (d->hid_probe && d->cc && !usb_dev_timed_out(d) && d->cc != XHCI_CC_SUCCESS &&
	    d->cc != XHCI_CC_SHORT_PACKET) {
		not_a_keyboard(d, "its report descriptor could not be read");
		return false;
	}
	if (!usb_dev_ok(d))
		return false;
	err = hid_parse_kbd_desc(d->buf, usb_kbd_report_desc_got(d), &k->layout, &why);
	/* "not a keyboard" only when the descriptor says so: one LiOS cannot read may well
	 * be a keyboard's (a key report longer than 64 bytes, too many key fields) */
	if (err) {
		ksnprintf(msg, sizeof(msg),
			  d->hid_probe && err == -ENOENT ? "not a keyboard (%s)"
							 : "report descriptor not understood: %s",
			  why);
		not_a_keyboard(d, msg);
		return false;
	}
	usb_kbd_use_layout(d, what, sizeof(what));
	printk(KERN_INFO "usb: %s: report protocol: %s\n", d->name, what);
	return true;
}
