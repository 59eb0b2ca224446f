// SPDX-License-Identifier: MIT
/*
 * Host tests of a HID interface without the boot protocol (HID subclass 0, or the boot
 * subclass with protocol 0) probed for keys
 * (usb_find_hid_iface in usb_desc.c, choose_driver and usb_dev_leave_alone in usb_enum.c,
 * K_READ_DESC in usb_kbd.c) on the simulated controller and devices of ep0_harness.h. A
 * keyboard without a boot interface, with the boot layout or an NKRO bitmap (behind a
 * vendor interface), is read for its report descriptor before its interrupt endpoint is
 * configured, never sent SET_PROTOCOL, and types and lights its LEDs; so under
 * `usb.kbd=report`, its descriptor read once. A tablet, a report descriptor that stalls or
 * fails, or one longer than 4096 bytes, or a keyboard's LiOS cannot read (not called "not a
 * keyboard"): left alone, not refused, listed "no driver", its
 * interrupt endpoint never configured, asked nothing more, torn down when unplugged; one
 * that never answers is refused as for any request. A tablet's interface before a
 * keyboard's: both read in turn, the keyboard driven; two without keys: both read, then
 * left alone. A boot keyboard interface beside a
 * subclass-0 one is driven and the other never asked; a boot mouse alone is left alone at
 * once, its report descriptor never read. Keyboards read in report protocol after a stalled
 * SET_PROTOCOL: test_usb_kbd_report.c; the parser side: test_usb_desc.c.
 */
#include "ep0_harness.h"

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

/* A tablet (an absolute pointer, as QEMU's usb-tablet): three buttons, X and Y of 16 bits
 * each from 0 to 32767, no key. */
/* clang-format off */
static const uint8_t tablet_desc[] = {
	MOUSE_DESC_BUTTONS,
	0x05, 0x01, 0x09, 0x30, 0x09, 0x31,             /* X, Y */
	0x15, 0x00, 0x26, 0xff, 0x7f, 0x75, 0x10,       /* 0..32767, 16 bits */
	0x95, 0x02, 0x81, 0x02,                         /* 2 of them, Input (Data, Absolute) */
	0xc0, 0xc0,                                     /* End Collection x 2 */
};
/* clang-format on */

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

/* A tablet's HID interface (0, endpoint 0x81, its HID descriptor naming tablet_desc) before
 * a keyboard's HID interface without the boot subclass (1, endpoint 0x82, the boot layout's
 * 63 bytes): each answers GET_DESCRIPTOR(report) with its own (per_iface_desc). */
static const uint8_t tablet_then_kbd_config[] = {
	9, 2,    59,   0, 2, 1, 0,    0xa0, 50, /* configuration: 59 bytes, 2 interfaces */
	9, 4,    0,    0, 1, 3, 0,    0,    0,  /* interface 0: HID, subclass 0, protocol 0 */
	9, 0x21, 0x11, 1, 0, 1, 0x22, 51,   0,  /* HID: a report descriptor of 51 bytes */
	7, 5,    0x81, 3, 8, 0, 7,              /* endpoint 0x81: interrupt, 8 bytes */
	9, 4,    1,    0, 1, 3, 0,    1,    0,  /* interface 1: HID, subclass 0, protocol 1 */
	9, 0x21, 0x11, 1, 0, 1, 0x22, 63,   0,  /* HID: a report descriptor of 63 bytes */
	7, 5,    0x82, 3, 8, 0, 7,              /* endpoint 0x82: interrupt, 8 bytes */
};
static_assert(sizeof(tablet_then_kbd_config) == 59, "its wTotalLength");
static_assert(sizeof(tablet_desc) == 51, "tablet_then_kbd_config names 51 bytes");

/* ------------------------------------------------------------------ the recording device */
/* Each request slot 1 got, in order (the first 64 kept, all counted), with how many
 * Configure Endpoint commands the controller had run when it came. */
static struct {
	struct sim_setup setup;
	unsigned int configure_eps;
} asked[64];
static unsigned int n_asked;
/* What slot 1 does with GET_DESCRIPTOR(report) besides ep0_harness.h's knobs: SIM_ANSWER
 * (as they say), SIM_XACT_ERROR (lost on the wire) or SIM_SILENT (never answered). */
static enum sim_answer report_desc_answer;
/* When set, slot 1's report descriptor for interface i (wIndex) is per_iface_desc[i]. */
static const uint8_t *per_iface_desc[2];
static size_t per_iface_len[2];

/* The simulator's sim_device_fn: ep0_harness.h's device(), each request of slot 1
 * recorded first. */
static enum sim_answer recording_device(struct xhci_sim *s, unsigned int slot,
					const struct sim_setup *su, uint8_t *data, size_t *len)
{
	if (slot == 1) {
		if (n_asked < ARRAY_SIZE(asked)) {
			asked[n_asked].setup = *su;
			asked[n_asked].configure_eps = s->commands[TRB_CONFIGURE_EP];
		}
		n_asked++;
	}
	if (slot == 1 && su->type == IFACE_IN && su->req == GET_DESCRIPTOR &&
	    report_desc_answer != SIM_ANSWER) {
		dev[slot].report_desc_asked++;
		return report_desc_answer;
	}
	if (slot == 1 && su->type == IFACE_IN && su->req == GET_DESCRIPTOR && su->index < 2 &&
	    per_iface_desc[su->index]) {
		dev[slot].report_desc_asked++;
		memcpy(data, per_iface_desc[su->index], *len = per_iface_len[su->index]);
		return SIM_ANSWER;
	}
	return device(s, slot, su, data, len);
}

/* Index of the first request of slot 1 of bmRequestType type and bRequest req, -1 when
 * there was none. */
static int asked_index(uint8_t type, uint8_t req)
{
	for (unsigned int i = 0; i < n_asked && i < ARRAY_SIZE(asked); i++)
		if (asked[i].setup.type == type && asked[i].setup.req == req)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------------ helpers */
/* start(), every lock key off (usb_kbd.c's LED state outlives a case), requests recorded. */
static void start_probe(void)
{
	start_leds_off();
	sim.device = recording_device;
	n_asked = 0;
	report_desc_answer = SIM_ANSWER;
	memset(per_iface_desc, 0, sizeof(per_iface_desc));
}

/* Slot 1's configuration: the sim's keyboard's, its one interface of HID subclass subclass
 * and protocol protocol, its HID descriptor naming a report descriptor of report_len
 * bytes, its interrupt IN endpoint the sim's 8 bytes. */
static void use_hid_config(uint8_t subclass, uint8_t protocol, uint16_t report_len)
{
	uint8_t *config = use_kbd_config(report_len, 8);

	config[CFG_SUBCLASS] = subclass;
	config[CFG_PROTOCOL] = protocol;
}

/* Slot 1 answers GET_DESCRIPTOR(report) with desc (len bytes). */
static void use_report_desc(const uint8_t *desc, size_t len)
{
	dev[1].report_desc = desc;
	dev[1].report_desc_len = len;
}

/* A device on port 5 (slot 1), ticked until the log holds line or 5000 ticks passed. */
static struct usb_dev *plug_until(const char *line)
{
	struct usb_dev *d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);

	for (int i = 0; i < 5000 && !sim_logged(line); i++)
		ticks(1);
	CHECK(sim_logged(line));
	return d;
}

/* d is still in the device list (not refused and freed): the case may go on with it. Else
 * the failure is counted and everything cleaned up, and the case must end. */
static bool still_listed(const struct usb_dev *d)
{
	bool listed = usb_dev_list() == d && d && !d->failed;

	CHECK(listed);
	if (!listed)
		cleanup();
	return listed;
}

/* The last LED report (SET_REPORT's data stage) was wValue value to interface iface with
 * data[0..n-1]. */
static void check_led_report(uint16_t value, uint16_t iface, const uint8_t *data, size_t n)
{
	CHECK_EQ(sim.out_setup.type, CLASS_IFACE_OUT);
	CHECK_EQ(sim.out_setup.req, SET_REPORT);
	CHECK_EQ(sim.out_setup.value, value);
	CHECK_EQ(sim.out_setup.index, iface);
	CHECK_EQ(sim.out_len, n);
	CHECK(!memcmp(sim.out_data, data, n));
}

/* The keyboard's class requests in order: GET_DESCRIPTOR(report) of iface for len bytes
 * while no Configure Endpoint had run, SET_IDLE after the one Configure Endpoint, its LED
 * report last; no SET_PROTOCOL at all; the descriptor read once. */
static void check_probe_order(uint16_t iface, uint16_t len)
{
	int desc = asked_index(IFACE_IN, GET_DESCRIPTOR);
	int idle = asked_index(CLASS_IFACE_OUT, SET_IDLE);
	int leds = asked_index(CLASS_IFACE_OUT, SET_REPORT);

	CHECK(desc > asked_index(DEV_OUT, SET_CONFIGURATION));
	CHECK(desc >= 0 && idle > desc && leds > idle);
	if (desc < 0 || idle < 0)
		return;
	CHECK_EQ(asked[desc].setup.value, USB_DT_HID_REPORT << 8);
	CHECK_EQ(asked[desc].setup.index, iface);
	CHECK_EQ(asked[desc].setup.length, len);
	CHECK_EQ(asked[desc].configure_eps, 0);
	CHECK_EQ(asked[idle].configure_eps, 1);
	CHECK_EQ(asked[idle].setup.index, iface);
	CHECK_EQ(asked_index(CLASS_IFACE_OUT, SET_PROTOCOL), -1);
	CHECK_EQ(dev[1].class_req[SET_PROTOCOL], 0);
	CHECK_EQ(dev[1].report_desc_asked, 1);
	CHECK_EQ(sim.commands[TRB_CONFIGURE_EP], 1);
}

/* d (slot 1, a class column of label in the listing) is left alone and stays so: in the
 * device list, addressed, its slot enabled and its own, not refused (no line, nothing in
 * the refused record), "no driver" in state and listing, no keyboard, its interrupt
 * endpoint never configured (no ring, no Configure Endpoint), no SET_IDLE, SET_REPORT or
 * SET_PROTOCOL; and asked nothing more in 2000 ticks, a lock key pressed meanwhile. */
static void check_left_alone(struct usb_dev *d, const char *label)
{
	unsigned int before = n_asked;
	char line[96];

	CHECK(d->slot == 1 && sim.slot_on[1] && hc.slot_dev[1] == d);
	CHECK(!strcmp(usb_dev_state_name(d), "no driver"));
	CHECK(d->kbd == NULL && d->driver == USB_DRV_NONE);
	CHECK(d->intr.trb == NULL);
	CHECK_EQ(sim.commands[TRB_CONFIGURE_EP], 0);
	CHECK_EQ(dev[1].class_req[SET_IDLE], 0);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 0);
	CHECK_EQ(dev[1].class_req[SET_PROTOCOL], 0);
	CHECK(!sim_logged("refused"));
	CHECK(!sim_logged("ready in"));
	CHECK_EQ(hc.refused.n, 0);
	if (led_listener)
		led_listener(KBD_LED_CAPSLOCK);
	ticks(2000);
	if (led_listener)
		led_listener(0);
	CHECK_EQ(n_asked, before);
	CHECK(usb_dev_list() == d && !strcmp(usb_dev_state_name(d), "no driver"));
	snprintf(line, sizeof(line), "  1-5      slot 1   high  0627:0001 %-13s no driver\n",
		 label);
	sim_log_clear();
	usb_list_devices(&hc);
	CHECK(sim_logged(line));
}

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
	RUN(subclass0_boot_layout_types);
	RUN(boot_subclass_protocol0_read);
	RUN(subclass0_nkro_behind_vendor);
	RUN(subclass0_report_protocol_always);
	RUN(tablet_left_alone);
	RUN(report_desc_unreadable_left_alone);
	RUN(report_desc_silent_refused);
	RUN(report_desc_too_long_left_alone);
	RUN(unreadable_keyboard_not_called_not_a_keyboard);
	RUN(boot_keyboard_chosen_over_subclass0);
	RUN(tablet_then_keyboard_interface);
	RUN(two_non_keyboards_left_alone);
	RUN(boot_mouse_left_alone_at_once);
	return unit_summary();
}
