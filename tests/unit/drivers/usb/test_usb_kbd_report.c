// SPDX-License-Identifier: MIT
/*
 * Host tests of a USB keyboard read in report protocol (src/drivers/usb/usb_kbd.c with
 * usb_kbd_desc.c and hid_desc.c) on the simulated controller and devices of ep0_harness.h, from its report
 * descriptor to the keys it types and the LED reports it is sent: the boot layout behind a
 * stalled SET_PROTOCOL(boot); a keyboard under report ID 1 beside a consumer-control report
 * ID 2, whose reports type nothing and count for nothing; `usb.kbd=report`, which sends no
 * SET_PROTOCOL at all; an NKRO bitmap longer than the endpoint's max packet, with its
 * rollover; a layout without LEDs, sent no LED report; the refusals (the descriptor
 * stalled, not a keyboard's, not named, too long) before SET_IDLE; keys held on a keyboard
 * with report IDs released on unplug and when its controller stops; and a keyboard that
 * takes SET_PROTOCOL(boot) never asked for its report descriptor. The boot path's class
 * steps tick by tick: test_usb_kbd.c; the descriptor reader alone: test_hid_desc.c.
 */
#include "ep0_harness.h"

#define PHYSICAL_DESC 0x23 /* HID 1.11 7.1: a descriptor type that is not a report's */

/* A keyboard under report ID 1 (the boot layout: modifiers, a constant byte, five LED bits
 * and padding out, six key slots) and a consumer-control report ID 2 (an array of four
 * 16-bit fields of usages 0-0x3ff of page 0x0C) in a second application collection. Both
 * input reports are 9 bytes with their ID byte, so only the ID tells them apart; the LED
 * report is 1 + 1 bytes. */
static const uint8_t id1_consumer_desc[] = { KBD_ID1_DESC, CONSUMER_DESC(2, 4) };

/* An NKRO keyboard: modifiers, three LED bits and five of padding out, then one bit for
 * each usage 0-0x77 (120 bits): a 16-byte input report. */
/* clang-format off */
static const uint8_t nkro_desc[] = {
	SIM_KBD_DESC_OPEN, SIM_KBD_DESC_MODIFIERS, KBD_DESC_LEDS3,
	0x05, 0x07, 0x19, 0x00, 0x29, 0x77, 0x95, 0x78, /* keys 0-0x77, 120 x 1 bit */
	0x81, 0x02,                                     /* Input (Data, Variable) */
	SIM_KBD_DESC_END,
};
/* clang-format on */

/* The boot layout's input report with no output item: a keyboard without lock LEDs. */
static const uint8_t no_leds_desc[] = {
	SIM_KBD_DESC_OPEN, SIM_KBD_DESC_MODIFIERS, SIM_KBD_DESC_RESERVED,
	SIM_KBD_DESC_KEYS, SIM_KBD_DESC_END,
};

/* A three-button mouse (HID 1.11 appendix B.2): buttons, X and Y, no key. */
/* clang-format off */
static const uint8_t mouse_desc[] = {
	MOUSE_DESC_BUTTONS,
	0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x15, 0x81, /* X, Y, -127.. */
	0x25, 0x7f, 0x75, 0x08, 0x95, 0x02, 0x81, 0x06, /* ..127, 2 x 8 bits, Input (Relative) */
	0xc0, 0xc0,                                     /* End Collection x 2 */
};
/* clang-format on */

/* ------------------------------------------------------------------ helpers */
/* Slot 1's configuration: the sim's keyboard's, its HID descriptor naming a descriptor of
 * type type and len bytes, its interrupt IN endpoint max_packet bytes. */
static void use_config(uint8_t type, uint16_t len, uint16_t max_packet)
{
	use_kbd_config(len, max_packet)[CFG_REPORT_TYPE] = type;
}

/* Slot 1 answers GET_DESCRIPTOR(report) with desc (len bytes), which its HID descriptor
 * names with that length, behind an endpoint of max_packet bytes. */
static void use_report_desc(const uint8_t *desc, size_t len, uint16_t max_packet)
{
	dev[1].report_desc = desc;
	dev[1].report_desc_len = len;
	use_config(USB_DT_HID_REPORT, (uint16_t)len, max_packet);
}

/* start(), every lock key off (usb_kbd.c's LED state outlives a case), and slot 1 stalling
 * SET_PROTOCOL(boot): the keyboard is read in report protocol. */
static void start_report_protocol(void)
{
	start_leds_off();
	dev[1].stall_req = SET_PROTOCOL;
	dev[1].stall_type = CLASS_IFACE_OUT;
}

/* The last LED report (SET_REPORT's data stage) was wValue value with data[0..n-1]. */
static void check_led_report(uint16_t value, const uint8_t *data, size_t n)
{
	CHECK_EQ(sim.out_setup.type, CLASS_IFACE_OUT);
	CHECK_EQ(sim.out_setup.req, SET_REPORT);
	CHECK_EQ(sim.out_setup.value, value);
	CHECK_EQ(sim.out_setup.index, 0); /* interface 0 */
	CHECK_EQ(sim.out_setup.length, n);
	CHECK_EQ(sim.out_len, n);
	CHECK(!memcmp(sim.out_data, data, n));
}

/* ------------------------------------------------------------------ the cases */
/* A keyboard that stalls SET_PROTOCOL(boot) and declares the boot layout: its report
 * descriptor is read and described, 'a' with Left Shift held types Left Shift then A (the
 * modifier first), the empty report releases both, and Caps Lock sends the one-byte LED
 * report 0x02 with wValue 0x0200 (output report, no ID). */
static void boot_layout_types_and_lights(void)
{
	static const uint8_t shift_a[8] = { 0x02, 0, 0x04 }, none[8] = { 0 };
	static const uint8_t caps[] = { HID_LED_CAPSLOCK }, off[] = { 0 };
	struct usb_dev *d;

	start_report_protocol();
	d = ready_keyboard_or_end();
	if (!d)
		return;
	CHECK(sim_logged("usb: 1-5: report protocol: report ID 0, 8 modifiers, 6-key array, "
			 "0-key bitmap, LEDs\n"));
	CHECK_EQ(dev[1].report_desc_asked, 1);
	CHECK_EQ(sim.out_stages, 1);
	check_led_report(OUTPUT_REPORT, off, sizeof(off)); /* setup's: all off */
	send_report(d, shift_a, sizeof(shift_a));
	CHECK_EQ(key_events, 2);
	CHECK(key_was(0, KEY_LEFTSHIFT, true));
	CHECK(key_was(1, KEY_A, true));
	send_report(d, none, sizeof(none));
	CHECK_EQ(key_events, 4);
	CHECK(key_was(2, KEY_LEFTSHIFT, false));
	CHECK(key_was(3, KEY_A, false));
	led_listener(KBD_LED_CAPSLOCK);
	ticks(20);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 2);
	CHECK_EQ(sim.out_stages, 2);
	check_led_report(OUTPUT_REPORT, caps, sizeof(caps));
	cleanup();
}

/* A keyboard under report ID 1 with a consumer-control report ID 2 on the same endpoint:
 * the interrupt transfers ask for 9 bytes (the ID byte and the boot layout); an ID-1
 * report types its key and counts; ID-2 reports (Volume Up pressed and let go) type
 * nothing and leave the listing's count alone; the LED reports carry the ID in wValue
 * (0x0201) and as their first byte. */
static void report_ids_other_report_ignored(void)
{
	static const uint8_t id1_a[9] = { 1, 0, 0, 0x04 }, id1_none[9] = { 1 };
	static const uint8_t vol_up[9] = { 2, 0xe9, 0x00 }, vol_none[9] = { 2 };
	static const uint8_t off[] = { 1, 0 }, caps[] = { 1, HID_LED_CAPSLOCK };
	struct usb_dev *d;

	start_report_protocol();
	use_report_desc(id1_consumer_desc, sizeof(id1_consumer_desc), 8);
	d = ready_keyboard_or_end();
	if (!d)
		return;
	CHECK(sim_logged("usb: 1-5: report protocol: report ID 1, 8 modifiers, 6-key array, "
			 "0-key bitmap, LEDs\n"));
	CHECK_EQ(trb_len(d, d->intr_deq), 9);
	check_led_report(OUTPUT_REPORT | 1, off, sizeof(off));
	send_report(d, id1_a, sizeof(id1_a));
	CHECK_EQ(key_events, 1);
	CHECK(key_was(0, KEY_A, true));
	send_report(d, vol_up, sizeof(vol_up));
	send_report(d, vol_none, sizeof(vol_none));
	CHECK_EQ(key_events, 1);
	CHECK(listed(", 1 reports in report protocol\n"));
	send_report(d, id1_none, sizeof(id1_none));
	CHECK_EQ(key_events, 2);
	CHECK(key_was(1, KEY_A, false));
	CHECK(listed(", 2 reports in report protocol\n"));
	led_listener(KBD_LED_CAPSLOCK);
	ticks(20);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 2);
	check_led_report(OUTPUT_REPORT | 1, caps, sizeof(caps));
	cleanup();
}

/* usb_kbd_use_report_protocol(true) (usb.kbd=report) on a keyboard that would take the
 * boot protocol: no SET_PROTOCOL at all, its report descriptor read once, ready, typing,
 * and the listing says "in report protocol". The switch is global: set back once the
 * keyboard is set up. */
static void report_protocol_always(void)
{
	static const uint8_t b[8] = { 0, 0, 0x05 };
	struct usb_dev *d;

	start_leds_off();
	usb_kbd_use_report_protocol(true);
	d = ready_keyboard_or_end();
	usb_kbd_use_report_protocol(false); /* taken at setup: off for the cases after */
	if (!d)
		return;
	CHECK_EQ(dev[1].class_req[SET_PROTOCOL], 0);
	CHECK(!sim_logged("SET_PROTOCOL(boot)"));
	CHECK_EQ(dev[1].report_desc_asked, 1);
	CHECK(sim_logged("usb: 1-5: report protocol: report ID 0, 8 modifiers, 6-key array, "
			 "0-key bitmap, LEDs\n"));
	send_report(d, b, sizeof(b));
	CHECK_EQ(key_events, 1);
	CHECK(key_was(0, KEY_B, true));
	CHECK(listed(
		"kbd: usb 1-5 0627:0001, high speed, LEDs 0x0, 1 reports in report protocol\n"));
	cleanup();
}

/* An NKRO keyboard whose 16-byte bitmap report is longer than its endpoint's 8-byte max
 * packet: every queued interrupt transfer asks for 16 bytes; a report holding 'a' and Right
 * Arrow (past byte 8) types both; 7 keys held at once is rollover and types nothing new,
 * but left Shift pressed meanwhile counts (its modifier bit is read in the phantom state
 * too; it was lost with the rest of the report); letting all go releases the three. */
static void nkro_bitmap_longer_than_max_packet(void)
{
	static const uint8_t keys7[] = { 0x04, 0x4f, 0x05, 0x06, 0x07, 0x08, 0x09 };
	uint8_t r[16] = { 0 };
	struct usb_dev *d;
	unsigned int queued = 0;

	start_report_protocol();
	use_report_desc(nkro_desc, sizeof(nkro_desc), 8);
	d = ready_keyboard_or_end();
	if (!d)
		return;
	CHECK(sim_logged("usb: 1-5: report protocol: report ID 0, 8 modifiers, 0-key array, "
			 "120-key bitmap, LEDs\n"));
	for (unsigned int i = d->intr_deq; i != d->intr.enq; i++, queued++)
		CHECK_EQ(trb_len(d, i), 16);
	CHECK_EQ(queued, XHCI_INTR_QUEUED);
	for (int k = 0; k < 2; k++)
		r[1 + keys7[k] / 8] |= (uint8_t)(1u << (keys7[k] % 8));
	send_report(d, r, sizeof(r));
	CHECK_EQ(key_events, 2);
	CHECK(key_was(0, KEY_A, true));
	CHECK(key_was(1, KEY_RIGHT, true));
	for (int k = 2; k < 7; k++)
		r[1 + keys7[k] / 8] |= (uint8_t)(1u << (keys7[k] % 8));
	send_report(d, r, sizeof(r));
	CHECK_EQ(key_events, 2); /* rollover: nothing new */
	r[0] = 0x02;             /* left Shift, still seven keys */
	send_report(d, r, sizeof(r));
	CHECK_EQ(key_events, 3);
	CHECK(key_was(2, KEY_LEFTSHIFT, true));
	memset(r, 0, sizeof(r));
	send_report(d, r, sizeof(r));
	CHECK_EQ(key_events, 6);
	CHECK(key_was(3, KEY_LEFTSHIFT, false));
	CHECK(key_was(4, KEY_A, false));
	CHECK(key_was(5, KEY_RIGHT, false));
	cleanup();
}

/* A layout that declares no output report: ready after SET_IDLE with no SET_REPORT, types,
 * and Caps Lock later sends none either (nothing on endpoint 0); the listing shows no LED
 * state sent (it said "LEDs 0x2": the state was noted as sent before the layout turned out
 * to have no LED report). */
static void no_leds_no_led_report(void)
{
	static const uint8_t a[8] = { 0, 0, 0x04 };
	struct usb_dev *d;

	start_report_protocol();
	use_report_desc(no_leds_desc, sizeof(no_leds_desc), 8);
	d = ready_keyboard_or_end();
	if (!d)
		return;
	CHECK(sim_logged("usb: 1-5: report protocol: report ID 0, 8 modifiers, 6-key array, "
			 "0-key bitmap, no LEDs\n"));
	CHECK_EQ(dev[1].class_req[SET_IDLE], 1);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 0);
	send_report(d, a, sizeof(a));
	CHECK(key_was(0, KEY_A, true));
	led_listener(KBD_LED_CAPSLOCK);
	ticks(20);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 0);
	CHECK_EQ(sim.out_stages, 0);
	CHECK(!d->busy);
	CHECK(listed(
		"kbd: usb 1-5 0627:0001, high speed, LEDs 0x0, 1 reports in report protocol\n"));
	cleanup();
}

/* Set up the keyboard of slot 1 (knobs set) and let it run: refused with the line
 * "usb: 1-5 0627:0001: refused: <why>", before SET_IDLE and any LED report, never ready,
 * and gone. */
static void check_refused(const char *why)
{
	char line[160];

	snprintf(line, sizeof(line), "usb: 1-5 0627:0001: refused: %s\n", why);
	usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks(200);
	CHECK(sim_logged(line));
	CHECK_EQ(dev[1].class_req[SET_IDLE], 0);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 0);
	CHECK(!sim_logged("ready in"));
	CHECK(usb_dev_list() == NULL); /* refused and gone */
	cleanup();
}

/* GET_DESCRIPTOR(report) stalled, right after the SET_PROTOCOL(boot) stall: refused by the
 * request's name (a keyboard whose layout is unknown cannot be read). */
static void refused_report_desc_stalled(void)
{
	start_report_protocol();
	dev[1].stall_report_desc = true;
	check_refused("GET_DESCRIPTOR(report) stalled");
	CHECK_EQ(dev[1].report_desc_asked, 1);
}

/* A boot keyboard interface whose report descriptor is a mouse's: refused, the reader's
 * reason in the line. */
static void refused_mouse_desc(void)
{
	start_report_protocol();
	use_report_desc(mouse_desc, sizeof(mouse_desc), 8);
	check_refused("report descriptor not understood: no key field in any input report");
	CHECK_EQ(dev[1].report_desc_asked, 1);
}

/* A HID descriptor whose one descriptor is a physical one, not a report descriptor:
 * refused without asking for it. */
static void refused_no_report_desc(void)
{
	start_report_protocol();
	use_config(PHYSICAL_DESC, 63, 8);
	check_refused("no report descriptor named by its HID descriptor");
	CHECK_EQ(dev[1].report_desc_asked, 0);
}

/* A HID descriptor naming a 5000-byte report descriptor: refused without asking for it. */
static void refused_report_desc_too_long(void)
{
	start_report_protocol();
	use_config(USB_DT_HID_REPORT, 5000, 8);
	check_refused("report descriptor longer than 4096 bytes");
	CHECK_EQ(dev[1].report_desc_asked, 0);
}

/* A keyboard under report ID 1 unplugged while 'a' is held: the release of A is reported
 * (it was lost: the release went through the report path, and an all-zero boot report is
 * not an ID-1 report, so A stayed held and repeated). */
static void unplug_releases_held_key(void)
{
	static const uint8_t id1_a[9] = { 1, 0, 0, 0x04 };
	struct usb_dev *d;

	start_report_protocol();
	use_report_desc(id1_consumer_desc, sizeof(id1_consumer_desc), 8);
	d = ready_keyboard_or_end();
	if (!d)
		return;
	send_report(d, id1_a, sizeof(id1_a));
	CHECK_EQ(key_events, 1);
	usb_dev_unplug(d);
	ticks(50);
	CHECK(sim_logged("kbd: usb 1-5 removed\n"));
	CHECK_EQ(key_events, 2);
	CHECK(key_was(1, KEY_A, false));
	cleanup();
}

/* The same keyboard holding Left Shift when its controller stops without halting: the
 * Shift is released (the same lost release as on unplug), and the listing says so. */
static void controller_stopped_releases_held_key(void)
{
	static const uint8_t id1_shift[9] = { 1, 0x02 };
	struct usb_dev *d;

	start_report_protocol();
	use_report_desc(id1_consumer_desc, sizeof(id1_consumer_desc), 8);
	d = ready_keyboard_or_end();
	if (!d)
		return;
	send_report(d, id1_shift, sizeof(id1_shift));
	CHECK_EQ(key_events, 1);
	usb_kbd_controller_stopped(&hc);
	CHECK(sim_logged("kbd: usb 1-5: its controller stopped: keys released\n"));
	CHECK_EQ(key_events, 2);
	CHECK(key_was(1, KEY_LEFTSHIFT, false));
	CHECK(listed(", 1 reports in report protocol, controller stopped\n"));
	cleanup();
}

/* A keyboard that takes SET_PROTOCOL(boot): its report descriptor is never asked for, no
 * "report protocol" line, its transfers ask for its 8-byte max packet, its boot reports
 * type, and the listing says nothing of report protocol. */
static void boot_protocol_no_report_desc(void)
{
	static const uint8_t a[8] = { 0, 0, 0x04 };
	struct usb_dev *d;

	start_leds_off();
	d = ready_keyboard_or_end();
	if (!d)
		return;
	CHECK_EQ(dev[1].class_req[SET_PROTOCOL], 1);
	CHECK_EQ(dev[1].report_desc_asked, 0);
	CHECK(!sim_logged("report protocol"));
	CHECK_EQ(trb_len(d, d->intr_deq), 8);
	send_report(d, a, sizeof(a));
	CHECK(key_was(0, KEY_A, true));
	CHECK(listed(", 1 reports\n"));
	cleanup();
}

int main(void)
{
	sim_log_start();
	RUN(boot_layout_types_and_lights);
	RUN(report_ids_other_report_ignored);
	RUN(report_protocol_always);
	RUN(nkro_bitmap_longer_than_max_packet);
	RUN(no_leds_no_led_report);
	RUN(refused_report_desc_stalled);
	RUN(refused_mouse_desc);
	RUN(refused_no_report_desc);
	RUN(refused_report_desc_too_long);
	RUN(unplug_releases_held_key);
	RUN(controller_stopped_releases_held_key);
	RUN(boot_protocol_no_report_desc);
	return unit_summary();
}
