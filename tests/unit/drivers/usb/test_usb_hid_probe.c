// SPDX-License-Identifier: MIT
/*
 * Host tests of a HID interface without the boot protocol (HID subclass 0, or the boot
 * subclass with protocol 0) probed for keys and found a keyboard
 * (usb_find_hid_iface in usb_desc.c, choose_driver in usb_enum.c, K_READ_DESC in
 * usb_kbd.c) on the simulated controller and devices of ep0_harness.h, through
 * hid_probe_harness.h. A keyboard without a boot interface, with the boot layout or an
 * NKRO bitmap (behind a vendor interface), is read for its report descriptor before its
 * interrupt endpoint is configured, never sent SET_PROTOCOL, and types and lights its
 * LEDs; so under `usb.kbd=report`, its descriptor read once. A tablet's interface before a
 * keyboard's: both read in turn, the keyboard driven. A boot keyboard interface beside a
 * subclass-0 one is driven and the other never asked. Those left alone or refused:
 * test_usb_hid_probe_alone.c. Keyboards read in report protocol after a stalled
 * SET_PROTOCOL: test_usb_kbd_report.c; the parser side: test_usb_desc.c.
 */
#include "hid_probe_harness.h"

/* An NKRO keyboard: modifiers, one bit for each usage 0-0x67 (104 bits), then Num, Caps and
 * Scroll Lock out with five bits of padding: a 14-byte input report, a 1-byte LED report. */
/* clang-format off */
static const uint8_t nkro_desc[] = {
	SIM_KBD_DESC_OPEN, SIM_KBD_DESC_MODIFIERS,
	0x19, 0x00, 0x29, 0x67, 0x95, 0x68, 0x81, 0x02, /* keys 0-0x67, 104 x 1 bit, the same */
	KBD_DESC_LEDS3, SIM_KBD_DESC_END,
};
/* clang-format on */
static_assert(sizeof(nkro_desc) == 45, "vendor_then_nkro_config names 45 bytes");

/* A vendor interface (0, a bulk IN endpoint) before a keyboard's HID interface without the
 * boot subclass (1: subclass 0, the keyboard protocol, its HID descriptor naming nkro_desc,
 * an interrupt IN endpoint 0x82 of 16 bytes). */
static const uint8_t vendor_then_nkro_config[] = {
	9, 2,    50,   0, 2,  1,    0,    0xa0, 50, /* configuration: 50 bytes, 2 interfaces */
	9, 4,    0,    0, 1,  0xff, 0,    0,    0,  /* interface 0: vendor */
	7, 5,    0x81, 2, 0,  2,    0,              /* endpoint 0x81: bulk, 512 bytes */
	9, 4,    1,    0, 1,  3,    0,    1,    0,  /* interface 1: HID, subclass 0, protocol 1 */
	9, 0x21, 0x11, 1, 0,  1,    0x22, 45,   0,  /* HID: a report descriptor of 45 bytes */
	7, 5,    0x82, 3, 16, 0,    7,              /* endpoint 0x82: interrupt, 16 bytes */
};
static_assert(sizeof(vendor_then_nkro_config) == 50, "its wTotalLength");

/* A HID interface without the boot subclass (0, endpoint 0x81) before a boot keyboard
 * interface (1, endpoint 0x82), each naming the boot keyboard's 63-byte report
 * descriptor. */
static const uint8_t hid_then_boot_kbd_config[] = {
	9, 2,    59,   0, 2, 1, 0,    0xa0, 50, /* configuration: 59 bytes, 2 interfaces */
	9, 4,    0,    0, 1, 3, 0,    0,    0,  /* interface 0: HID, subclass 0, protocol 0 */
	9, 0x21, 0x11, 1, 0, 1, 0x22, 63,   0,  /* HID: a report descriptor of 63 bytes */
	7, 5,    0x81, 3, 8, 0, 7,              /* endpoint 0x81: interrupt, 8 bytes */
	9, 4,    1,    0, 1, 3, 1,    1,    0,  /* interface 1: HID, boot keyboard */
	9, 0x21, 0x11, 1, 0, 1, 0x22, 63,   0,  /* HID: a report descriptor of 63 bytes */
	7, 5,    0x82, 3, 8, 0, 7,              /* endpoint 0x82: interrupt, 8 bytes */
};
static_assert(sizeof(hid_then_boot_kbd_config) == 59, "its wTotalLength");

/* ------------------------------------------------------------------ the cases */
/* A keyboard whose one interface is HID subclass 0, protocol 0, with the boot layout: the
 * "HID without boot protocol" line; GET_DESCRIPTOR(report) asked (63 bytes, interface 0)
 * before any Configure Endpoint, SET_IDLE after it, never SET_PROTOCOL; the layout line,
 * ready, listed "keyboard"; its first LED report all off, 'a' typed and let go, Caps Lock
 * sending 0x02. */
static void subclass0_boot_layout_types(void)
{
	static const uint8_t a[8] = { 0, 0, 0x04 }, none[8] = { 0 };
	static const uint8_t off[] = { 0 }, caps[] = { HID_LED_CAPSLOCK };
	struct usb_dev *d;

	start_probe();
	use_hid_config(0, 0, sizeof(sim_kbd_report_desc));
	d = plug_until("kbd: usb 1-5 0627:0001 ready in");
	if (!still_listed(d))
		return;
	CHECK(sim_logged("usb: 1-5: 0627:0001 HID, high speed, HID without boot protocol: "
			 "reading its report descriptor\n"));
	CHECK(sim_logged("usb: 1-5: report protocol: report ID 0, 8 modifiers, 6-key array, "
			 "0-key bitmap, LEDs\n"));
	CHECK(!sim_logged("left alone"));
	check_probe_order(0, sizeof(sim_kbd_report_desc));
	CHECK(usb_kbd_ready(d));
	CHECK(!strcmp(usb_dev_state_name(d), "keyboard"));
	CHECK_EQ(sim.out_stages, 1);
	check_led_report(OUTPUT_REPORT, 0, off, sizeof(off));
	send_report(d, a, sizeof(a));
	send_report(d, none, sizeof(none));
	CHECK_EQ(key_events, 2);
	CHECK(key_was(0, KEY_A, true));
	CHECK(key_was(1, KEY_A, false));
	led_listener(KBD_LED_CAPSLOCK);
	ticks(20);
	CHECK_EQ(sim.out_stages, 2);
	check_led_report(OUTPUT_REPORT, 0, caps, sizeof(caps));
	led_listener(0);
	cleanup();
}

/* A keyboard whose one HID interface has the boot subclass but protocol 0 (none: HID 1.11
 * 4.3 allows it; nothing says what device it is): read as a subclass-0 one, its boot
 * layout found in its report descriptor, never sent SET_PROTOCOL, 'a' typed. Before, it
 * was neither a boot keyboard nor read: left alone, "no driver". */
static void boot_subclass_protocol0_read(void)
{
	static const uint8_t a[8] = { 0, 0, 0x04 };
	struct usb_dev *d;

	start_probe();
	use_hid_config(USB_HID_SUBCLASS_BOOT, 0, sizeof(sim_kbd_report_desc));
	d = plug_until("kbd: usb 1-5 0627:0001 ready in");
	if (!still_listed(d))
		return;
	CHECK(sim_logged("usb: 1-5: 0627:0001 HID, high speed, HID without boot protocol: "
			 "reading its report descriptor\n"));
	check_probe_order(0, sizeof(sim_kbd_report_desc));
	CHECK(!strcmp(usb_dev_state_name(d), "keyboard"));
	send_report(d, a, sizeof(a));
	CHECK_EQ(key_events, 1);
	CHECK(key_was(0, KEY_A, true));
	cleanup();
}

/* An NKRO keyboard (a 104-key bitmap, subclass 0 with the keyboard protocol) whose HID
 * interface is the second, behind a vendor interface: the line names the device's first
 * class ("vendor"); read the same way on interface 1 (every class request's wIndex 1), its
 * 16-byte endpoint configured after; 'a' and 'z' (bytes 1 and 4 of the bitmap) with Left
 * Ctrl type the three; Num Lock sends 0x01 to interface 1. */
static void subclass0_nkro_behind_vendor(void)
{
	static const uint8_t ctrl_a_z[14] = { 0x01, 0x10, 0, 0, 0x20 }, none[14] = { 0 };
	static const uint8_t num[] = { HID_LED_NUMLOCK };
	struct usb_dev *d;

	start_probe();
	dev[1].config = vendor_then_nkro_config;
	dev[1].config_len = sizeof(vendor_then_nkro_config);
	use_report_desc(nkro_desc, sizeof(nkro_desc));
	d = plug_until("kbd: usb 1-5 0627:0001 ready in");
	if (!still_listed(d))
		return;
	CHECK(sim_logged("usb: 1-5: 0627:0001 vendor, high speed, HID without boot protocol: "
			 "reading its report descriptor\n"));
	CHECK(sim_logged("usb: 1-5: report protocol: report ID 0, 8 modifiers, 0-key array, "
			 "104-key bitmap, LEDs\n"));
	check_probe_order(1, sizeof(nkro_desc));
	CHECK_EQ(d->iface, 1);
	CHECK_EQ(d->intr_dci, 5); /* endpoint 2 IN */
	CHECK_EQ(trb_len(d, d->intr_deq), 16);
	send_report(d, ctrl_a_z, sizeof(ctrl_a_z));
	CHECK_EQ(key_events, 3);
	CHECK(key_was(0, KEY_LEFTCTRL, true));
	CHECK(key_was(1, KEY_A, true));
	CHECK(key_was(2, KEY_Z, true));
	send_report(d, none, sizeof(none));
	CHECK_EQ(key_events, 6);
	led_listener(KBD_LED_NUMLOCK);
	ticks(20);
	check_led_report(OUTPUT_REPORT, 1, num, sizeof(num));
	led_listener(0);
	cleanup();
}

/* usb.kbd=report with the subclass-0 keyboard: its report descriptor read once, before its
 * endpoint (K_PROTOCOL does not ask again), no SET_PROTOCOL, ready. */
static void subclass0_report_protocol_always(void)
{
	struct usb_dev *d;

	start_probe();
	use_hid_config(0, 0, sizeof(sim_kbd_report_desc));
	usb_kbd_use_report_protocol(true);
	d = plug_until("kbd: usb 1-5 0627:0001 ready in");
	usb_kbd_use_report_protocol(false); /* taken at setup: off for the cases after */
	if (!still_listed(d))
		return;
	check_probe_order(0, sizeof(sim_kbd_report_desc));
	cleanup();
}

/* A HID interface without boot protocol (0) before a boot keyboard interface (1): the boot
 * keyboard is chosen ("boot keyboard" line, SET_PROTOCOL(boot) to interface 1, its
 * endpoint 0x82), no report descriptor read, interface 0 never sent a request; it types
 * boot reports. */
static void boot_keyboard_chosen_over_subclass0(void)
{
	static const uint8_t b[8] = { 0, 0, 0x05 };
	struct usb_dev *d;
	int protocol;

	start_probe();
	dev[1].config = hid_then_boot_kbd_config;
	dev[1].config_len = sizeof(hid_then_boot_kbd_config);
	d = plug_until("kbd: usb 1-5 0627:0001 ready in");
	if (!still_listed(d))
		return;
	CHECK(sim_logged("usb: 1-5: 0627:0001 HID, high speed, boot keyboard\n"));
	CHECK(!sim_logged("HID without boot protocol"));
	CHECK(!d->hid_probe);
	CHECK_EQ(d->iface, 1);
	CHECK_EQ(d->intr_dci, 5); /* endpoint 2 IN */
	protocol = asked_index(CLASS_IFACE_OUT, SET_PROTOCOL);
	CHECK(protocol >= 0);
	if (protocol >= 0)
		CHECK_EQ(asked[protocol].setup.index, 1);
	CHECK_EQ(dev[1].report_desc_asked, 0);
	for (unsigned int i = 0; i < n_asked && i < ARRAY_SIZE(asked); i++)
		if (asked[i].setup.type == CLASS_IFACE_OUT || asked[i].setup.type == IFACE_IN)
			CHECK_EQ(asked[i].setup.index, 1);
	send_report(d, b, sizeof(b));
	CHECK(key_was(0, KEY_B, true));
	cleanup();
}

/* A tablet's HID interface (0) before a keyboard's without the boot subclass (1): the
 * tablet's descriptor read first, "interface 0: not a keyboard (...): reading interface 1",
 * then the keyboard's; one Configure Endpoint (the keyboard's), SET_IDLE to interface 1,
 * ready, a key typed. */
static void tablet_then_keyboard_interface(void)
{
	static const uint8_t a[8] = { 0, 0, 0x04 };
	struct usb_dev *d;
	int first, second, idle;

	start_probe();
	dev[1].config = tablet_then_kbd_config;
	dev[1].config_len = sizeof(tablet_then_kbd_config);
	per_iface_desc[0] = tablet_desc, per_iface_len[0] = sizeof(tablet_desc);
	per_iface_desc[1] = sim_kbd_report_desc, per_iface_len[1] = sizeof(sim_kbd_report_desc);
	d = plug_until("kbd: usb 1-5 0627:0001 ready in");
	if (!still_listed(d))
		return;
	CHECK(sim_logged(
		"usb: 1-5: interface 0: not a keyboard (no key field in any input report): "
		"reading interface 1\n"));
	CHECK(!sim_logged("left alone"));
	first = asked_index(IFACE_IN, GET_DESCRIPTOR);
	CHECK(first >= 0);
	if (first < 0) {
		cleanup();
		return;
	}
	CHECK_EQ(asked[first].setup.index, 0);
	CHECK_EQ(asked[first].setup.length, sizeof(tablet_desc));
	second = first + 1;
	CHECK_EQ(asked[second].setup.type, IFACE_IN);
	CHECK_EQ(asked[second].setup.index, 1);
	CHECK_EQ(asked[second].setup.length, sizeof(sim_kbd_report_desc));
	CHECK_EQ(asked[second].configure_eps, 0);
	CHECK_EQ(dev[1].report_desc_asked, 2);
	CHECK_EQ(sim.commands[TRB_CONFIGURE_EP], 1);
	idle = asked_index(CLASS_IFACE_OUT, SET_IDLE);
	CHECK(idle > second);
	if (idle > second)
		CHECK_EQ(asked[idle].setup.index, 1);
	send_report(d, a, sizeof(a));
	CHECK(key_was(0, KEY_A, true));
	cleanup();
}

int main(void)
{
	sim_log_start();
	RUN(subclass0_boot_layout_types);
	RUN(boot_subclass_protocol0_read);
	RUN(subclass0_nkro_behind_vendor);
	RUN(subclass0_report_protocol_always);
	RUN(boot_keyboard_chosen_over_subclass0);
	RUN(tablet_then_keyboard_interface);
	return unit_summary();
}
