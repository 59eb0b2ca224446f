// SPDX-License-Identifier: MIT
/*
 * Host tests of a HID interface without the boot protocol probed for keys and not driven
 * (usb_dev_leave_alone in usb_enum.c, not_a_keyboard in usb_kbd_desc.c) on the simulated
 * controller and devices of ep0_harness.h, through hid_probe_harness.h. A tablet, a report
 * descriptor that stalls or fails, or one longer than 4096 bytes, or a keyboard's LiOS
 * cannot read (not called "not a keyboard"): left alone, not refused, listed "no driver",
 * its interrupt endpoint never configured, asked nothing more, torn down when unplugged;
 * one that never answers is refused as for any request. Two interfaces without keys: both
 * read, then left alone. A boot mouse alone is left alone at once, its report descriptor
 * never read. The keyboards driven: test_usb_hid_probe.c.
 */
#include "hid_probe_harness.h"

/* A keyboard under report ID 1 whose input report is the boot layout's and 56 constant
 * bytes after it: 65 bytes with its ID byte, longer than the 64 of a key report LiOS
 * reads. */
/* clang-format off */
static const uint8_t kbd_long_keys_desc[] = {
	SIM_KBD_DESC_OPEN, 0x85, 0x01,                  /* Report ID 1 */
	SIM_KBD_DESC_MODIFIERS, SIM_KBD_DESC_RESERVED, SIM_KBD_DESC_KEYS,
	0x75, 0x08, 0x95, 0x38, 0x81, 0x01,             /* 56 x 8 bits, Input (Constant) */
	SIM_KBD_DESC_END,
};
/* clang-format on */

/* ------------------------------------------------------------------ the cases */
/* A tablet (subclass 0, an absolute pointer): the probe line, then "left alone: not a
 * keyboard (no key field in any input report)", not refused; listed "no driver", its
 * interrupt endpoint never configured, no SET_IDLE or SET_REPORT, asked nothing more after
 * its report descriptor (read once). Unplugged: torn down, its slot disabled. */
static void tablet_left_alone(void)
{
	struct usb_dev *d;

	start_probe();
	use_hid_config(0, 0, sizeof(tablet_desc));
	use_report_desc(tablet_desc, sizeof(tablet_desc));
	d = plug_until("usb: 1-5: left alone: not a keyboard (no key field in any input report)\n");
	if (!still_listed(d))
		return;
	CHECK(sim_logged("usb: 1-5: 0627:0001 HID, high speed, HID without boot protocol: "
			 "reading its report descriptor\n"));
	CHECK_EQ(dev[1].report_desc_asked, 1);
	CHECK_EQ(asked_index(DEV_OUT, SET_CONFIGURATION) + 1,
		 asked_index(IFACE_IN, GET_DESCRIPTOR));
	CHECK_EQ(asked_index(IFACE_IN, GET_DESCRIPTOR) + 1, (int)n_asked); /* the last request */
	check_left_alone(d, "HID");
	sim_log_clear();
	usb_dev_unplug(d);
	ticks(50);
	CHECK(sim_logged("usb: 1-5: disconnected\n"));
	CHECK(usb_dev_list() == NULL);
	CHECK(!sim.slot_on[1]);
	CHECK_EQ(sim.commands[TRB_DISABLE_SLOT], 1);
	cleanup();
}

/* A subclass-0 device whose GET_DESCRIPTOR(report) halts endpoint 0 with answer (a STALL,
 * code 6, or a transaction error, code code): endpoint 0 reset, then "left alone: its
 * report descriptor could not be read", not refused, listed "no driver", the request not
 * tried again. */
static void check_unreadable(bool stall, enum sim_answer answer, unsigned int code)
{
	char halted[96];
	struct usb_dev *d;

	start_probe();
	use_hid_config(0, 0, sizeof(sim_kbd_report_desc));
	dev[1].stall_report_desc = stall;
	report_desc_answer = answer;
	d = plug_until("usb: 1-5: left alone: its report descriptor could not be read\n");
	if (!still_listed(d))
		return;
	snprintf(halted, sizeof(halted),
		 "usb: 1-5: GET_DESCRIPTOR(report): endpoint 0 halted (code %u), reset\n", code);
	CHECK(sim_logged(halted));
	CHECK_EQ(dev[1].report_desc_asked, 1);
	check_left_alone(d, "HID");
	cleanup();
}

/* GET_DESCRIPTOR(report) stalled, then (another device) lost on the wire: each left
 * alone (see check_unreadable). */
static void report_desc_unreadable_left_alone(void)
{
	check_unreadable(true, SIM_ANSWER, XHCI_CC_STALL);
	check_unreadable(false, SIM_XACT_ERROR, XHCI_CC_USB_TRANSACTION);
}

/* GET_DESCRIPTOR(report) never answered: refused with "no answer to
 * GET_DESCRIPTOR(report)" as for any request, its slot disabled (which ends the request
 * still in flight), not left alone and listed as if nothing were wrong. */
static void report_desc_silent_refused(void)
{
	start_probe();
	use_hid_config(0, 0, sizeof(sim_kbd_report_desc));
	report_desc_answer = SIM_SILENT;
	host_time_skip_ns = 1000000; /* 1 ms per clock read: the 2 s deadline passes */
	plug_until("usb: 1-5 0627:0001: refused: no answer to GET_DESCRIPTOR(report)\n");
	host_time_skip_ns = 50000;
	ticks(50);
	CHECK(!sim_logged("left alone"));
	CHECK(usb_dev_list() == NULL);
	CHECK(!sim.slot_on[1]);
	CHECK_EQ(dev[1].report_desc_asked, 1);
	CHECK_EQ(sim.commands[TRB_CONFIGURE_EP], 0);
	cleanup();
}

/* A keyboard (subclass 0) whose descriptor declares keys but in a report LiOS does not
 * read (65 bytes): left alone with the reader's reason as a descriptor not understood, not
 * called "not a keyboard", which it is; listed "no driver", nothing configured. */
static void unreadable_keyboard_not_called_not_a_keyboard(void)
{
	struct usb_dev *d;

	start_probe();
	use_hid_config(0, 1, sizeof(kbd_long_keys_desc));
	use_report_desc(kbd_long_keys_desc, sizeof(kbd_long_keys_desc));
	d = plug_until("usb: 1-5: left alone: report descriptor not understood: a key report "
		       "longer than 64 bytes\n");
	if (!still_listed(d))
		return;
	CHECK(!sim_logged("not a keyboard"));
	CHECK_EQ(dev[1].report_desc_asked, 1);
	check_left_alone(d, "HID");
	cleanup();
}

/* A HID descriptor naming a 4097-byte report descriptor: "left alone: report descriptor
 * longer than 4096 bytes", never asked for it, not refused. One naming 4096 bytes is asked
 * for them (wLength 4096) and, answered with the boot layout, is a keyboard. */
static void report_desc_too_long_left_alone(void)
{
	struct usb_dev *d;

	start_probe();
	use_hid_config(0, 0, 4097);
	d = plug_until("usb: 1-5: left alone: report descriptor longer than 4096 bytes\n");
	if (!still_listed(d))
		return;
	CHECK_EQ(dev[1].report_desc_asked, 0);
	CHECK_EQ(asked_index(IFACE_IN, GET_DESCRIPTOR), -1);
	check_left_alone(d, "HID");
	cleanup();

	start_probe();
	use_hid_config(0, 0, 4096);
	d = plug_until("kbd: usb 1-5 0627:0001 ready in");
	if (!still_listed(d))
		return;
	check_probe_order(0, 4096);
	cleanup();
}

/* Two HID interfaces without the boot subclass, neither with keys: both read, in order,
 * then the device left alone with the second one's reason; nothing configured. */
static void two_non_keyboards_left_alone(void)
{
	struct usb_dev *d;

	start_probe();
	dev[1].config = tablet_then_kbd_config;
	dev[1].config_len = sizeof(tablet_then_kbd_config);
	per_iface_desc[0] = tablet_desc, per_iface_len[0] = sizeof(tablet_desc);
	per_iface_desc[1] = tablet_desc, per_iface_len[1] = sizeof(tablet_desc);
	d = plug_until("usb: 1-5: left alone: not a keyboard (no key field in any input report)\n");
	if (!still_listed(d))
		return;
	CHECK(sim_logged(
		"usb: 1-5: interface 0: not a keyboard (no key field in any input report): "
		"reading interface 1\n"));
	CHECK_EQ(dev[1].report_desc_asked, 2);
	check_left_alone(d, "HID");
	cleanup();
}

/* A boot mouse alone (subclass 1, protocol 2, a report descriptor named): "no driver,
 * left alone" at once, no probe line; never configured (no SET_CONFIGURATION), its report
 * descriptor never asked for; listed "no driver" as a "HID mouse". */
static void boot_mouse_left_alone_at_once(void)
{
	struct usb_dev *d;

	start_probe();
	use_hid_config(USB_HID_SUBCLASS_BOOT, USB_HID_PROTOCOL_MOUSE, 50);
	d = plug_until("usb: 1-5: 0627:0001 HID, high speed, no driver, left alone\n");
	if (!still_listed(d))
		return;
	CHECK(!sim_logged("HID without boot protocol"));
	CHECK(!sim_logged("left alone: "));
	CHECK_EQ(asked_index(DEV_OUT, SET_CONFIGURATION), -1);
	CHECK_EQ(asked_index(IFACE_IN, GET_DESCRIPTOR), -1);
	CHECK_EQ(dev[1].report_desc_asked, 0);
	CHECK(!d->hid_probe);
	check_left_alone(d, "HID mouse");
	cleanup();
}

int main(void)
{
	sim_log_start();
	RUN(tablet_left_alone);
	RUN(report_desc_unreadable_left_alone);
	RUN(report_desc_silent_refused);
	RUN(report_desc_too_long_left_alone);
	RUN(unreadable_keyboard_not_called_not_a_keyboard);
	RUN(two_non_keyboards_left_alone);
	RUN(boot_mouse_left_alone_at_once);
	return unit_summary();
}
