// SPDX-License-Identifier: MIT
/*
 * Host tests of USB keyboards whose report descriptors declare input reports longer than
 * their keys' (src/drivers/usb/usb_kbd.c, usb_kbd_desc.c, usb_kbd_report.c with hid_desc.c,
 * and xhci_ring.c's interrupt transfers), on the simulated controller and devices of
 * ep0_harness.h: gaming keyboards with a vendor report of a report ID and 64 bytes on their
 * keyboard interface, or longer. A keyboard under report ID 1 beside a 65-byte vendor
 * report ID 2, read in report protocol after a stalled SET_PROTOCOL(boot): its interrupt
 * transfers ask for 65 bytes, its buffer slots are cut to 128 bytes once the layout is
 * read, and it types from its ID-1 reports while a vendor report between them (whose bytes
 * read as keys past its ID) types nothing, counts for nothing and halts nothing. The same
 * with a 200-byte vendor report behind an 8-byte endpoint; as a HID interface without the
 * boot subclass (its buffer made for 200-byte transfers before its endpoint is set up); and
 * on a boot keyboard whose reports switch it to report protocol (its transfers grow from 64
 * to 65 bytes). A keyboard whose own key report is 65 bytes is refused with that reason.
 * Shorter report-protocol keyboards: test_usb_kbd_report.c; the reader: test_hid_desc_long.c.
 */
#include "ep0_harness.h"

/* A vendor-defined input report (page 0xff00) of count data bytes under report ID id. */
#define VENDOR_DESC(id, count)                                                               \
	0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01,             /* vendor page, Application */ \
		0x85, (id), 0x15, 0x00, 0x26, 0xff, 0x00,     /* Report ID id, 0..255 */     \
		0x75, 0x08, 0x96, (count)&0xff, (count) >> 8, /* count x 8 bits */           \
		0x09, 0x01, 0x81, 0x02, 0xc0 /* Input (Data, Variable), End Collection */

/* The keyboard under report ID 1 (the boot layout: 9-byte input reports, 2-byte LED
 * reports) beside a vendor report ID 2 of 64 data bytes (65 with the ID), or of 199 (200). */
static const uint8_t vendor65_desc[] = { KBD_ID1_DESC, VENDOR_DESC(2, 64) };
static const uint8_t vendor200_desc[] = { KBD_ID1_DESC, VENDOR_DESC(2, 199) };

/* The keyboard under report ID 1 with 56 constant bytes after its keys: a 65-byte key
 * report. */
/* clang-format off */
static const uint8_t long_keys_desc[] = {
	SIM_KBD_DESC_OPEN, 0x85, 0x01,      /* Report ID 1 */
	SIM_KBD_DESC_MODIFIERS, SIM_KBD_DESC_RESERVED, SIM_KBD_DESC_KEYS,
	0x75, 0x08, 0x95, 0x38, 0x81, 0x01, /* 56 x 8 bits, Input (Constant) */
	SIM_KBD_DESC_END,
};
/* clang-format on */

static const uint8_t id1_a[9] = { 1, 0, 0, 0x04 }, id1_none[9] = { 1 };

/* ------------------------------------------------------------------ helpers */
/* start(), every lock key off; slot 1 answers GET_DESCRIPTOR(report) with desc (len
 * bytes), which its HID descriptor names, behind an interrupt endpoint of max_packet bytes;
 * it stalls SET_PROTOCOL(boot) when stall_boot. Returns the configuration, for a case to
 * change more of it (CFG_*). */
static uint8_t *start_with(const uint8_t *desc, size_t len, uint16_t max_packet, bool stall_boot)
{
	start_leds_off();
	if (stall_boot) {
		dev[1].stall_req = SET_PROTOCOL;
		dev[1].stall_type = CLASS_IFACE_OUT;
	}
	dev[1].report_desc = desc;
	dev[1].report_desc_len = len;
	return use_kbd_config((uint16_t)len, max_packet);
}

/* Every interrupt transfer d has queued asks for len bytes, and there are as many as the
 * driver keeps. */
static void check_queued(const struct usb_dev *d, uint32_t len)
{
	unsigned int queued = 0;

	for (unsigned int i = d->intr_deq; i != d->intr.enq; i = (i + 1) % (XHCI_RING_TRBS - 1)) {
		CHECK_EQ(trb_len(d, i), len);
		queued++;
	}
	CHECK_EQ(queued, XHCI_INTR_QUEUED);
}

/* A vendor report ID 2 of n bytes (at most 200) whose bytes after the ID read as ID-1 key
 * reports with Left Shift and B held, over and over, sent as one transfer: nothing typed,
 * the interrupt endpoint not halted (no reset, no line), the transfer put back. */
static void vendor_report_types_nothing(struct usb_dev *d, size_t n)
{
	static const uint8_t keys[] = { 1, 0x02, 0, 0x05 };
	unsigned int events = key_events;
	uint8_t rep[200];

	for (size_t i = 1; i < n; i++)
		rep[i] = keys[(i - 1) % sizeof(keys)];
	rep[0] = 2;
	send_report(d, rep, n);
	ticks(5);
	CHECK_EQ(key_events, events);
	CHECK_EQ(d->intr_recover, INTR_RECOVER_NONE);
	CHECK(!sim_logged("interrupt endpoint halted"));
	CHECK_EQ((d->intr.enq + XHCI_RING_TRBS - 1 - d->intr_deq) % (XHCI_RING_TRBS - 1),
		 XHCI_INTR_QUEUED);
}

/* d types A from an ID-1 report, a 65- or n-byte vendor report types nothing in between,
 * and the empty ID-1 report lets A go; the listing counts the two key reports alone. */
static void types_around_vendor_report(struct usb_dev *d, size_t n)
{
	send_report(d, id1_a, sizeof(id1_a));
	CHECK_EQ(key_events, 1);
	CHECK(key_was(0, KEY_A, true));
	vendor_report_types_nothing(d, n);
	send_report(d, id1_none, sizeof(id1_none));
	CHECK_EQ(key_events, 2);
	CHECK(key_was(1, KEY_A, false));
	CHECK(listed(", 2 reports in report protocol\n"));
}

/* ------------------------------------------------------------------ the cases */
/* The 65-byte vendor report beside the keyboard, SET_PROTOCOL(boot) stalled, a 64-byte
 * endpoint: read in report protocol (the keyboard's layout in the line), every transfer
 * asking for 65 bytes, its buffer slots 128 bytes (made for 1024 before the layout was
 * read); A typed around a vendor report; the LED report carries ID 1. */
static void vendor_65_bytes_report_protocol(void)
{
	struct usb_dev *d;

	start_with(vendor65_desc, sizeof(vendor65_desc), 64, true);
	d = ready_keyboard_or_end();
	if (!d)
		return;
	CHECK(sim_logged("usb: 1-5: report protocol: report ID 1, 8 modifiers, 6-key array, "
			 "0-key bitmap, LEDs\n"));
	check_queued(d, 65);
	CHECK_EQ(d->intr_slot, 128);
	CHECK_EQ(sim.out_setup.value, OUTPUT_REPORT | 1);
	types_around_vendor_report(d, 65);
	check_queued(d, 65);
	cleanup();
}

/* The 200-byte vendor report behind an 8-byte endpoint (a full-speed keyboard: the report
 * is 25 packets of one transfer): transfers of 200 bytes into 256-byte slots; A typed
 * around the vendor report. */
static void vendor_200_bytes_8_byte_endpoint(void)
{
	struct usb_dev *d;

	start_with(vendor200_desc, sizeof(vendor200_desc), 8, true);
	d = ready_keyboard_or_end();
	if (!d)
		return;
	check_queued(d, 200);
	CHECK_EQ(d->intr_slot, 256);
	types_around_vendor_report(d, 200);
	cleanup();
}

/* The same keyboard as a HID interface without the boot subclass: its report descriptor is
 * read before its endpoint is set up, so its buffer is made for 200-byte transfers at once;
 * never sent SET_PROTOCOL; A typed around the vendor report. */
static void vendor_200_bytes_no_boot_subclass(void)
{
	struct usb_dev *d;

	start_with(vendor200_desc, sizeof(vendor200_desc), 64, false)[CFG_SUBCLASS] = 0;
	d = ready_keyboard_or_end();
	if (!d)
		return;
	CHECK_EQ(dev[1].class_req[SET_PROTOCOL], 0);
	check_queued(d, 200);
	CHECK_EQ(d->intr_slot, 256);
	types_around_vendor_report(d, 200);
	cleanup();
}

/* A boot keyboard (it takes SET_PROTOCOL(boot)) sending its ID-1 reports beside the
 * 65-byte vendor report: its transfers ask for 64 bytes into slots of 1024 (any layout it
 * may switch to fits); its first ID-1 report switches it (A typed), the transfers queued
 * from then on ask for 65, and once the 64-byte ones are used up (ID-1 reports, A held) a
 * vendor report types nothing and the empty ID-1 report lets A go. */
static void vendor_65_bytes_after_switch(void)
{
	struct usb_dev *d;

	start_with(vendor65_desc, sizeof(vendor65_desc), 64, false);
	d = ready_keyboard_or_end();
	if (!d)
		return;
	CHECK_EQ(dev[1].class_req[SET_PROTOCOL], 1);
	check_queued(d, 64);
	CHECK_EQ(d->intr_slot, 1024);
	send_report(d, id1_a, sizeof(id1_a));
	ticks(20);
	CHECK(sim_logged("usb: 1-5: a 9-byte report after SET_PROTOCOL(boot), not a boot "
			 "report: report protocol: report ID 1"));
	CHECK_EQ(key_events, 1);
	CHECK(key_was(0, KEY_A, true));
	for (int n = 0; n < XHCI_INTR_QUEUED && trb_len(d, d->intr_deq) == 64; n++)
		send_report(d, id1_a, sizeof(id1_a));
	check_queued(d, 65);
	vendor_report_types_nothing(d, 65);
	send_report(d, id1_none, sizeof(id1_none));
	CHECK_EQ(key_events, 2);
	CHECK(key_was(1, KEY_A, false));
	cleanup();
}

/* A keyboard whose own key report is 65 bytes, SET_PROTOCOL(boot) stalled: refused with
 * the reader's reason before SET_IDLE, never ready. */
static void key_report_too_long_refused(void)
{
	start_with(long_keys_desc, sizeof(long_keys_desc), 64, true);
	usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks(200);
	CHECK(sim_logged("usb: 1-5 0627:0001: refused: report descriptor not understood: a key "
			 "report longer than 64 bytes\n"));
	CHECK_EQ(dev[1].class_req[SET_IDLE], 0);
	CHECK(!sim_logged("ready in"));
	CHECK(usb_dev_list() == NULL);
	cleanup();
}

int main(void)
{
	sim_log_start();
	RUN(vendor_65_bytes_report_protocol);
	RUN(vendor_200_bytes_8_byte_endpoint);
	RUN(vendor_200_bytes_no_boot_subclass);
	RUN(vendor_65_bytes_after_switch);
	RUN(key_report_too_long_refused);
	return unit_summary();
}
