// SPDX-License-Identifier: MIT
/*
 * Host tests of a boot keyboard that takes SET_PROTOCOL(boot) but goes on sending its
 * report-protocol reports (src/drivers/usb/usb_kbd.c with hid_desc.c), on the simulated
 * controller and devices of ep0_harness.h. Such firmware exists (a report ID byte before
 * the boot layout, an N-key bitmap); Linux never sees it, as it never asks for the boot
 * protocol. A report whose length is not a boot report's 8 makes LiOS read the report
 * descriptor: when the report is the keyboard's own input report as declared there, the
 * keyboard is read in report protocol from then on, with one line saying so; another report
 * the descriptor declares (media keys) types nothing. The personas: report ID 1 behind a
 * 64-byte endpoint, with a consumer report ID 3; the same behind an 8-byte endpoint (the
 * 9-byte report arrives in two transfers); a 15-byte bitmap. And the boot keyboards that
 * must stay boot keyboards: a non-zero reserved byte (no descriptor read at all), short
 * reports whose descriptor declares the boot layout (read once, kept in boot protocol), and
 * short reports whose descriptor stalls or is never answered.
 */
#include "ep0_harness.h"

/* A keyboard under report ID 1 (the boot layout: modifiers, a constant byte, five LED bits
 * and padding out, six key slots: 9 bytes with the ID) and a consumer-control report ID 3
 * (one 16-bit array field of usages 0-0x3ff: 3 bytes with the ID), as CircuitPython's HID
 * device sent them in boot protocol before its fix. */
static const uint8_t id1_consumer3_desc[] = { KBD_ID1_DESC, CONSUMER_DESC(3, 1) };

/* A bitmap keyboard without report IDs: modifiers, a constant byte, three LED bits and
 * five of padding out, then one bit for each usage 0-0x67 (104 bits): a 15-byte report. */
/* clang-format off */
static const uint8_t bitmap15_desc[] = {
	SIM_KBD_DESC_OPEN, SIM_KBD_DESC_MODIFIERS, SIM_KBD_DESC_RESERVED,
	0x05, 0x08, 0x19, 0x01, 0x29, 0x03, 0x95, 0x03, /* 3 x 1 bit of LEDs 1-3 */
	0x75, 0x01, 0x91, 0x02,                         /* Output (Data, Variable) */
	0x95, 0x05, 0x91, 0x01,                         /* 5 x 1 bit, Output (Constant) */
	0x05, 0x07, 0x19, 0x00, 0x29, 0x67, 0x95, 0x68, /* keys 0-0x67, 104 x 1 bit */
	0x81, 0x02,                                     /* Input (Data, Variable) */
	SIM_KBD_DESC_END,
};
/* clang-format on */

/* ------------------------------------------------------------------ helpers */
/* start(), every lock key off; slot 1 is the sim's boot keyboard, which takes
 * SET_PROTOCOL(boot), answering GET_DESCRIPTOR(report) with desc (len bytes; NULL: the
 * sim's boot layout), its interrupt IN endpoint max_packet bytes. Returns it ready in boot
 * protocol (SET_PROTOCOL(boot) taken, no report descriptor read yet), or NULL once the
 * failure is counted and the device cleaned up. */
static struct usb_dev *boot_keyboard_or_end(const uint8_t *desc, size_t len, uint16_t max_packet)
{
	struct usb_dev *d;

	start_leds_off();
	if (!desc) {
		desc = sim_kbd_report_desc;
		len = sizeof(sim_kbd_report_desc);
	}
	use_kbd_config((uint16_t)len, max_packet);
	dev[1].report_desc = desc;
	dev[1].report_desc_len = len;
	d = ready_keyboard_or_end();
	CHECK_EQ(dev[1].class_req[SET_PROTOCOL], 1);
	CHECK_EQ(dev[1].report_desc_asked, 0);
	return d;
}

/* d sends report r (n bytes), its first one that is not a boot report's length, and the
 * ticks after let LiOS read the report descriptor: asked for once, and the log holds
 * line. */
static void first_odd_report(struct usb_dev *d, const uint8_t *r, size_t n, const char *line)
{
	send_report(d, r, n);
	ticks(20);
	CHECK_EQ(dev[1].report_desc_asked, 1);
	CHECK(sim_logged(line));
}

/* ------------------------------------------------------------------ the cases */
/* Report ID 1 behind a 64-byte endpoint: its first 9-byte report (a pressed) makes LiOS
 * read the report descriptor and switch, with one line; A alone is typed (it typed Left
 * Ctrl, the ID byte read as modifiers, and A one slot late). Volume Up (report ID 3, 3
 * bytes) types nothing (it typed Left Ctrl and Left Shift); the empty ID-1 report releases
 * A; the listing says "in report protocol"; Caps Lock sends the ID-1 LED report (wValue
 * 0x0201, data 01 02). */
static void report_id_after_boot_taken(void)
{
	static const uint8_t id1_a[9] = { 1, 0, 0, 0x04 }, id1_none[9] = { 1 };
	static const uint8_t vol_up[3] = { 3, 0xe9, 0x00 }, vol_none[3] = { 3 };
	struct usb_dev *d;

	d = boot_keyboard_or_end(id1_consumer3_desc, sizeof(id1_consumer3_desc), 64);
	if (!d)
		return;
	sim_log_clear();
	first_odd_report(
		d, id1_a, sizeof(id1_a),
		"usb: 1-5: a 9-byte report after SET_PROTOCOL(boot), not a boot report: "
		"report protocol: report ID 1, 8 modifiers, 6-key array, 0-key bitmap, LEDs\n");
	CHECK_EQ(key_events, 1);
	CHECK(key_was(0, KEY_A, true));
	send_report(d, vol_up, sizeof(vol_up));
	send_report(d, vol_none, sizeof(vol_none));
	CHECK_EQ(key_events, 1);
	send_report(d, id1_none, sizeof(id1_none));
	CHECK_EQ(key_events, 2);
	CHECK(key_was(1, KEY_A, false));
	CHECK(listed(" in report protocol\n"));
	led_listener(KBD_LED_CAPSLOCK);
	ticks(20);
	CHECK_EQ(sim.out_setup.req, SET_REPORT);
	CHECK_EQ(sim.out_setup.value, OUTPUT_REPORT | 1);
	CHECK_EQ(sim.out_len, 2);
	CHECK(sim.out_data[0] == 1 && sim.out_data[1] == HID_LED_CAPSLOCK);
	CHECK_EQ(dev[1].report_desc_asked, 1);
	cleanup();
}

/* The same keyboard whose first report is Volume Up: the descriptor says it is report ID
 * 3, not the keyboard's, so it types nothing and the keyboard is not switched yet; its
 * next ID-1 report switches it without reading the descriptor again. */
static void other_report_first_types_nothing(void)
{
	static const uint8_t vol_up[3] = { 3, 0xe9, 0x00 }, id1_b[9] = { 1, 0x02, 0, 0x05 };
	struct usb_dev *d;

	d = boot_keyboard_or_end(id1_consumer3_desc, sizeof(id1_consumer3_desc), 64);
	if (!d)
		return;
	send_report(d, vol_up, sizeof(vol_up));
	ticks(20);
	CHECK_EQ(dev[1].report_desc_asked, 1);
	CHECK_EQ(key_events, 0);
	CHECK(!sim_logged("report protocol"));
	send_report(d, id1_b, sizeof(id1_b));
	CHECK(sim_logged("usb: 1-5: a 9-byte report after SET_PROTOCOL(boot)"));
	CHECK_EQ(key_events, 2);
	CHECK(key_was(0, KEY_LEFTSHIFT, true));
	CHECK(key_was(1, KEY_B, true));
	CHECK_EQ(dev[1].report_desc_asked, 1);
	cleanup();
}

/* Report ID 1 behind an 8-byte endpoint: each 9-byte report arrives as 8 bytes and then 1.
 * The first 8 are read as a boot report before anything tells (Left Ctrl and A); the
 * 1-byte rest makes LiOS read the descriptor and switch, the two pieces read as one report
 * (Left Ctrl let go, A held); the transfers then ask for 9 bytes; while the 8-byte ones
 * queued before are used up, a report in two pieces still types, each piece its own
 * length (A let go, C in the ninth byte pressed and let go, B pressed: they were lost, or
 * typed with Left Ctrl), and B is let go in a whole 9-byte report after them. */
static void report_id_in_two_pieces(void)
{
	static const uint8_t a_head[8] = { 1, 0, 0, 0x04 }, none_head[8] = { 1 }, tail[1] = { 0 };
	static const uint8_t c_tail[1] = { 0x06 };
	static const uint8_t b_head[8] = { 1, 0, 0, 0x05 }, b[9] = { 1, 0, 0, 0x05 },
			     none[9] = { 1 };
	struct usb_dev *d;
	unsigned int old = 0;

	d = boot_keyboard_or_end(id1_consumer3_desc, sizeof(id1_consumer3_desc), 8);
	if (!d)
		return;
	CHECK_EQ(trb_len(d, d->intr_deq), 8);
	send_report(d, a_head, sizeof(a_head));
	CHECK_EQ(key_events, 2); /* Left Ctrl and A: nothing could tell yet */
	first_odd_report(d, tail, sizeof(tail),
			 "usb: 1-5: a 9-byte report after SET_PROTOCOL(boot), not a boot report: "
			 "report protocol: report ID 1");
	CHECK_EQ(key_events, 3);
	CHECK(key_was(2, KEY_LEFTCTRL, false));
	send_report(d, none_head, sizeof(none_head));
	send_report(d, tail, sizeof(tail));
	CHECK_EQ(key_events, 4);
	CHECK(key_was(3, KEY_A, false));
	for (unsigned int i = d->intr_deq; i != d->intr.enq; i = (i + 1) % (XHCI_RING_TRBS - 1))
		old += trb_len(d, i) == 8;
	CHECK_EQ(old,
		 XHCI_INTR_QUEUED - 2); /* those queued before; each done one comes back as 9 */
	CHECK_EQ(trb_len(d, (d->intr.enq + XHCI_RING_TRBS - 2) % (XHCI_RING_TRBS - 1)), 9);
	send_report(d, none_head, sizeof(none_head)); /* C in the sixth slot, the ninth byte */
	send_report(d, c_tail, sizeof(c_tail));
	CHECK_EQ(key_events, 5);
	CHECK(key_was(4, KEY_C, true));
	send_report(d, none_head, sizeof(none_head));
	send_report(d, tail, sizeof(tail));
	send_report(d, b_head, sizeof(b_head));
	send_report(d, tail, sizeof(tail));
	CHECK_EQ(key_events, 7);
	CHECK(key_was(5, KEY_C, false));
	CHECK(key_was(6, KEY_B, true));
	/* the rest of the old ones, B still held */
	for (int n = 0; n < XHCI_INTR_QUEUED && trb_len(d, d->intr_deq) == 8; n++) {
		send_report(d, b_head, sizeof(b_head));
		send_report(d, tail, sizeof(tail));
	}
	CHECK_EQ(key_events, 7);
	send_report(d, b, sizeof(b));
	send_report(d, none, sizeof(none));
	CHECK_EQ(key_events, 8);
	CHECK(key_was(7, KEY_B, false));
	CHECK_EQ(dev[1].report_desc_asked, 1);
	cleanup();
}

/* A 15-byte bitmap behind a 64-byte endpoint: 'a' (bit 4 of byte 2) and Right Arrow (usage
 * 0x4f, byte 11) type A and Right (they typed nothing or other keys: the bitmap bytes read
 * as usage IDs); the empty report releases both. */
static void bitmap_after_boot_taken(void)
{
	uint8_t r[15] = { 0 };
	struct usb_dev *d;

	d = boot_keyboard_or_end(bitmap15_desc, sizeof(bitmap15_desc), 64);
	if (!d)
		return;
	r[2 + 0x04 / 8] |= 1u << (0x04 % 8);
	r[2 + 0x4f / 8] |= 1u << (0x4f % 8);
	first_odd_report(
		d, r, sizeof(r),
		"usb: 1-5: a 15-byte report after SET_PROTOCOL(boot), not a boot report: "
		"report protocol: report ID 0, 8 modifiers, 0-key array, 104-key bitmap, LEDs\n");
	CHECK_EQ(key_events, 2);
	CHECK(key_was(0, KEY_A, true));
	CHECK(key_was(1, KEY_RIGHT, true));
	memset(r, 0, sizeof(r));
	send_report(d, r, sizeof(r));
	CHECK_EQ(key_events, 4);
	CHECK(key_was(2, KEY_A, false));
	CHECK(key_was(3, KEY_RIGHT, false));
	cleanup();
}

/* A boot keyboard whose reserved byte is not 0 (behind an 8-byte endpoint, and a 64-byte
 * one): its 8-byte reports type as boot reports, its report descriptor is never asked
 * for, nothing is said, and it stays in boot protocol. */
static void reserved_byte_stays_boot(void)
{
	static const uint8_t a[8] = { 0, 0x5a, 0x04 }, none[8] = { 0, 0x5a };

	for (uint16_t mp = 8; mp <= 64; mp += 56) {
		struct usb_dev *d;

		d = boot_keyboard_or_end(NULL, 0, mp);
		if (!d)
			return;
		send_report(d, a, sizeof(a));
		send_report(d, none, sizeof(none));
		ticks(20);
		CHECK_EQ(key_events, 2);
		CHECK(key_was(0, KEY_A, true));
		CHECK(key_was(1, KEY_A, false));
		CHECK_EQ(dev[1].report_desc_asked, 0);
		CHECK(!sim_logged("report protocol"));
		CHECK(!listed("in report protocol"));
		cleanup();
	}
}

/* A boot keyboard behind a 64-byte endpoint that sends 4-byte reports and declares the
 * boot layout: the first one makes LiOS read the descriptor, which does not declare a
 * 4-byte report, so it stays in boot protocol and says so once; the report is then typed
 * (A), and later short reports are typed at once without asking again. */
static void short_reports_stay_boot(void)
{
	static const uint8_t a[4] = { 0, 0, 0x04 }, none[4] = { 0 };
	struct usb_dev *d;

	d = boot_keyboard_or_end(NULL, 0, 64);
	if (!d)
		return;
	first_odd_report(d, a, sizeof(a),
			 "usb: 1-5: a 4-byte report after SET_PROTOCOL(boot), but none its "
			 "report descriptor declares: read as boot reports\n");
	CHECK_EQ(key_events, 1);
	CHECK(key_was(0, KEY_A, true));
	send_report(d, none, sizeof(none));
	CHECK_EQ(key_events, 2);
	CHECK(key_was(1, KEY_A, false));
	send_report(d, a, sizeof(a));
	CHECK_EQ(key_events, 3);
	ticks(20);
	CHECK_EQ(dev[1].report_desc_asked, 1);
	CHECK(!listed("in report protocol"));
	CHECK(usb_dev_list() == d && !d->failed);
	cleanup();
}

/* The same keyboard sends a short report (A pressed) and, before its report descriptor has
 * been read, an 8-byte one (nothing held). A report is the keys held, so the later one
 * stands: the short one, judged a boot report once the descriptor is read, is not typed
 * after it (A was pressed then and stayed held). */
static void held_report_superseded(void)
{
	static const uint8_t a[4] = { 0, 0, 0x04 }, none[HID_KBD_REPORT_SIZE] = { 0 };
	struct usb_dev *d;

	d = boot_keyboard_or_end(NULL, 0, 64);
	if (!d)
		return;
	send_report(d, a, sizeof(a));
	send_report(d, none, sizeof(none));
	ticks(20);
	CHECK_EQ(dev[1].report_desc_asked, 1);
	CHECK(sim_logged("usb: 1-5: a 4-byte report after SET_PROTOCOL(boot), but none its "
			 "report descriptor declares: read as boot reports\n"));
	CHECK_EQ(key_events, 0);
	CHECK(usb_dev_list() == d && !d->failed);
	cleanup();
}

/* The same keyboard whose GET_DESCRIPTOR(report) stalls: it is not refused for it (the
 * request was LiOS's own idea), says so once, types its short reports as boot reports, and
 * is not asked again. */
static void short_reports_descriptor_stalled(void)
{
	static const uint8_t a[4] = { 0, 0, 0x04 }, none[4] = { 0 };
	struct usb_dev *d;

	d = boot_keyboard_or_end(NULL, 0, 64);
	if (!d)
		return;
	dev[1].stall_report_desc = true; /* asked for only after the first short report */
	first_odd_report(d, a, sizeof(a),
			 "usb: 1-5: a 4-byte report after SET_PROTOCOL(boot), but its report "
			 "descriptor could not be read: read as boot reports\n");
	CHECK(usb_dev_list() == d && !d->failed);
	CHECK_EQ(key_events, 1);
	CHECK(key_was(0, KEY_A, true));
	send_report(d, none, sizeof(none));
	ticks(20);
	CHECK_EQ(key_events, 2);
	CHECK_EQ(dev[1].report_desc_asked, 1);
	cleanup();
}

/* The same keyboard whose GET_DESCRIPTOR(report) is never answered (a KVM that NAKs what
 * it does not emulate): after the 2 s timeout endpoint 0 is stopped past it and the
 * keyboard is kept, as for a stall, saying so once: it types its short reports as boot
 * reports, is not asked again, and its LED report still goes out. (It was refused: "no
 * answer to GET_DESCRIPTOR(report)", a keyboard that types lost over LiOS's own request.) */
static void short_reports_descriptor_unanswered(void)
{
	static const uint8_t a[4] = { 0, 0, 0x04 }, none[4] = { 0 };
	struct usb_dev *d;

	d = boot_keyboard_or_end(NULL, 0, 64);
	if (!d)
		return;
	dev[1].silent_report_desc = true;
	send_report(d, a, sizeof(a));
	host_time_skip_ns = 1000000; /* 1 ms per clock read: its 2 s pass in ticks */
	for (int i = 0; i < 3000 && !sim.commands[TRB_SET_TR_DEQUEUE]; i++)
		ticks(1);
	host_time_skip_ns = 50000;
	ticks(5);
	CHECK(sim_logged("usb: 1-5: a 4-byte report after SET_PROTOCOL(boot), but no answer to "
			 "GET_DESCRIPTOR(report): read as boot reports\n"));
	CHECK(usb_dev_list() == d && !d->failed);
	if (usb_dev_list() != d || d->failed) {
		cleanup();
		return;
	}
	CHECK_EQ(sim.commands[TRB_STOP_EP], 1);
	CHECK_EQ(key_events, 1);
	CHECK(key_was(0, KEY_A, true));
	send_report(d, none, sizeof(none));
	CHECK_EQ(key_events, 2);
	CHECK(key_was(1, KEY_A, false));
	led_listener(KBD_LED_CAPSLOCK);
	ticks(20);
	CHECK_EQ(dev[1].class_req[SET_REPORT], 2); /* setup's and Caps Lock's */
	CHECK_EQ(dev[1].report_desc_asked, 1);
	cleanup();
}

int main(void)
{
	sim_log_start();
	RUN(report_id_after_boot_taken);
	RUN(other_report_first_types_nothing);
	RUN(report_id_in_two_pieces);
	RUN(bitmap_after_boot_taken);
	RUN(reserved_byte_stays_boot);
	RUN(short_reports_stay_boot);
	RUN(short_reports_descriptor_stalled);
	RUN(short_reports_descriptor_unanswered);
	RUN(held_report_superseded);
	return unit_summary();
}
