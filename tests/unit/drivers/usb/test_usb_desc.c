// SPDX-License-Identifier: MIT
/*
 * Host tests of the USB descriptor parsers (src/drivers/usb/usb_desc.c): a real keyboard's
 * and a real hub's descriptors parse to what the stack needs; hostile ones (zero or
 * oversized lengths, a configuration whose total length lies, an interface without
 * endpoints, an endpoint of the wrong type, an endpoint before any interface) are refused
 * with a reason and never read out of bounds (ASan watches: buffers are exact-size copies).
 * Every refusal is reached and named by its reason; a keyboard beside an audio function
 * whose default setting has a zero-sized isochronous endpoint (legal) is not refused. The
 * HID interface without the boot
 * protocol that may be a keyboard (usb_find_hid_iface: the first eligible one, each
 * condition it skips on), and the report descriptor length a HID descriptor names (the
 * first report entry among bNumDescriptors, none past bLength). The `usb` listing's lines
 * and names are in test_usb_names.c.
 */
#include <stdlib.h>
#include <string.h>
#include <lios/errno.h>
#include "../../unit.h"
#include "../../../../src/drivers/usb/usb_desc.h"

/* QEMU's usb-kbd at high speed: configuration, interface, HID, endpoint 0x81. */
static const uint8_t kbd_config[] = {
	9, 2, 34,   0,    1, 1, 0, 0xa0, 50, 9, 4, 0, 0,    1, 3, 1, 1,
	0, 9, 0x21, 0x11, 1, 0, 1, 0x22, 63, 0, 7, 5, 0x81, 3, 8, 0, 7,
};

static const uint8_t kbd_device[] = { 18, 1, 0, 2, 0, 0, 0, 64, 0x27, 6, 1, 0, 0, 0, 1, 4, 11, 1 };

/* Parse an exact-size heap copy so ASan sees any read past the end. */
static int parse(const uint8_t *bytes, size_t len, struct usb_config_info *c, const char **why)
{
	uint8_t *copy = malloc(len ? len : 1);
	int r;

	memcpy(copy, bytes, len);
	r = usb_parse_config(copy, len, c, why);
	free(copy);
	return r;
}

static void keyboard_config(void)
{
	struct usb_config_info c;
	const char *why = NULL;

	CHECK_EQ(parse(kbd_config, sizeof(kbd_config), &c, &why), 0);
	CHECK_EQ(c.total_length, 34);
	CHECK_EQ(c.value, 1);
	CHECK_EQ(c.n_ifaces, 1);
	CHECK(c.iface[0].has_hid);
	CHECK(c.iface[0].has_int_in);
	CHECK_EQ(c.iface[0].int_in.address, 0x81);
	CHECK_EQ(c.iface[0].int_in.max_packet, 8);
	CHECK_EQ(c.iface[0].int_in.interval, 7);
	CHECK_EQ(usb_find_boot_keyboard(&c, &why), 0);
	CHECK_EQ(usb_find_hub_iface(&c, &why), -ENOENT);
}

static void device_descriptor(void)
{
	struct usb_device_desc d;
	const char *why = NULL;

	CHECK_EQ(usb_parse_device_desc(kbd_device, sizeof(kbd_device), &d, &why), 0);
	CHECK_EQ(d.vendor, 0x0627);
	CHECK_EQ(d.product, 0x0001);
	CHECK_EQ(d.num_configs, 1);
	CHECK_EQ(usb_parse_max_packet0(kbd_device, 8, USB_SPEED_HIGH, &why), 64);
	CHECK_EQ(usb_parse_max_packet0(kbd_device, 8, USB_SPEED_FULL, &why), 64);
	CHECK_EQ(usb_parse_max_packet0(kbd_device, 8, USB_SPEED_LOW, &why), -EINVAL);
	CHECK_EQ(usb_parse_max_packet0(kbd_device, 7, USB_SPEED_HIGH, &why), -EINVAL);
	/* short, bLength 0, wrong type, no configuration */
	CHECK_EQ(usb_parse_device_desc(kbd_device, 17, &d, &why), -EINVAL);
	{
		uint8_t b[18];

		memcpy(b, kbd_device, 18);
		b[0] = 0;
		CHECK_EQ(usb_parse_device_desc(b, 18, &d, &why), -EINVAL);
		memcpy(b, kbd_device, 18);
		b[1] = 2;
		CHECK_EQ(usb_parse_device_desc(b, 18, &d, &why), -EINVAL);
		memcpy(b, kbd_device, 18);
		b[17] = 0;
		CHECK_EQ(usb_parse_device_desc(b, 18, &d, &why), -EINVAL);
		memcpy(b, kbd_device, 18);
		b[7] = 9;
		CHECK_EQ(usb_parse_max_packet0(b, 8, USB_SPEED_SUPER, &why), 512);
		b[7] = 12;
		CHECK_EQ(usb_parse_max_packet0(b, 8, USB_SPEED_FULL, &why), -EINVAL);
	}
}

static void lying_total_length(void)
{
	uint8_t b[sizeof(kbd_config)];
	struct usb_config_info c;
	const char *why = NULL;

	memcpy(b, kbd_config, sizeof(b));
	b[2] = 200; /* says 200, 34 were read */
	CHECK_EQ(parse(b, sizeof(b), &c, &why), -EINVAL);
	CHECK(why && strstr(why, "total length"));
	b[2] = 5; /* below the header itself */
	CHECK_EQ(parse(b, sizeof(b), &c, &why), -EINVAL);
	b[2] = 0x01;
	b[3] = 0x10; /* 4097: above what we read at all */
	CHECK_EQ(usb_config_total_length(b, sizeof(b), &why), -EINVAL);
	/* total shorter than what arrived: only total bytes count (the endpoint is cut off) */
	b[2] = 27;
	b[3] = 0;
	CHECK_EQ(parse(b, sizeof(b), &c, &why), 0);
	CHECK(!c.iface[0].has_int_in);
	CHECK_EQ(usb_find_boot_keyboard(&c, &why), -EINVAL);
	CHECK(why && strstr(why, "without endpoints"));
}

static void bad_lengths(void)
{
	uint8_t b[sizeof(kbd_config)];
	struct usb_config_info c;
	const char *why = NULL;

	memcpy(b, kbd_config, sizeof(b));
	b[18] = 0; /* the HID descriptor's bLength: would loop forever */
	CHECK_EQ(parse(b, sizeof(b), &c, &why), -EINVAL);
	CHECK(why && strstr(why, "zero-length"));
	memcpy(b, kbd_config, sizeof(b));
	b[27] = 200; /* the endpoint's bLength runs past the end */
	CHECK_EQ(parse(b, sizeof(b), &c, &why), -EINVAL);
	memcpy(b, kbd_config, sizeof(b));
	b[9] = 5; /* an interface descriptor of 5 bytes */
	CHECK_EQ(parse(b, sizeof(b), &c, &why), -EINVAL);
	memcpy(b, kbd_config, sizeof(b));
	b[27] = 4; /* endpoint too short: 4 + 3 stray bytes follow */
	CHECK_EQ(parse(b, sizeof(b), &c, &why), -EINVAL);
	/* a 2-byte endpoint descriptor as the very last bytes (found by fuzz_usb_desc: the
	 * fields were read before the length was checked) */
	{
		static const uint8_t tail[] = { 9, 2, 20, 0, 1, 1, 0, 0xa0, 50, 9,
						4, 0, 0,  1, 3, 1, 1, 0,    2,  5 };

		CHECK_EQ(parse(tail, sizeof(tail), &c, &why), -EINVAL);
	}
	CHECK_EQ(parse(kbd_config, 8, &c, &why), -EINVAL);
	CHECK_EQ(parse(kbd_config, 0, &c, &why), -EINVAL);
}

static void wrong_endpoints(void)
{
	uint8_t b[sizeof(kbd_config)];
	struct usb_config_info c;
	const char *why = NULL;

	memcpy(b, kbd_config, sizeof(b));
	b[30] = 2; /* bulk, not interrupt */
	CHECK_EQ(parse(b, sizeof(b), &c, &why), 0);
	CHECK(c.iface[0].ep_bad_type);
	CHECK_EQ(usb_find_boot_keyboard(&c, &why), -EINVAL);
	CHECK(why && strstr(why, "not interrupt IN"));
	memcpy(b, kbd_config, sizeof(b));
	b[29] = 0x01; /* OUT */
	CHECK_EQ(parse(b, sizeof(b), &c, &why), 0);
	CHECK_EQ(usb_find_boot_keyboard(&c, &why), -EINVAL);
	memcpy(b, kbd_config, sizeof(b));
	b[31] = 0; /* max packet 0 */
	CHECK_EQ(parse(b, sizeof(b), &c, &why), -EINVAL);
	memcpy(b, kbd_config, sizeof(b));
	b[29] = 0x80; /* endpoint 0 */
	CHECK_EQ(parse(b, sizeof(b), &c, &why), -EINVAL);
	memcpy(b, kbd_config, sizeof(b));
	b[31] = 4; /* max packet 4: too small for an 8-byte report */
	CHECK_EQ(parse(b, sizeof(b), &c, &why), 0);
	CHECK_EQ(usb_find_boot_keyboard(&c, &why), -EINVAL);
	/* an endpoint before any interface */
	{
		static const uint8_t early[] = { 9, 2, 25, 0, 1, 1, 0, 0xa0, 50, 7, 5, 0x81, 3,
						 8, 0, 7,  9, 4, 0, 0, 1,    3,  1, 1, 0 };

		CHECK_EQ(parse(early, sizeof(early), &c, &why), -EINVAL);
		CHECK(why && strstr(why, "before any interface"));
	}
}

static void alternate_settings_and_tablet(void)
{
	/* interface 0 alt 0 is a tablet (protocol 2), alt 1 claims to be a keyboard: ignored */
	static const uint8_t cfg[] = { 9, 2, 41, 0, 1, 1, 0,    0xa0, 50,   9, 4, 0, 0, 1,
				       3, 1, 2,  0, 7, 5, 0x81, 3,    8,    0, 7, 9, 4, 0,
				       1, 1, 3,  1, 1, 0, 7,    5,    0x82, 3, 8, 0, 7 };
	struct usb_config_info c;
	const char *why = NULL;

	CHECK_EQ(parse(cfg, sizeof(cfg), &c, &why), 0);
	CHECK_EQ(c.n_ifaces, 1);
	CHECK_EQ(c.iface[0].protocol, 2);
	CHECK_EQ(c.iface[0].int_in.address, 0x81);
	CHECK_EQ(usb_find_boot_keyboard(&c, &why), -ENOENT);
}

/* A configuration written descriptor by descriptor: cfg_begin, then interfaces with their
 * HID and endpoint descriptors (or any raw descriptor), then cfg_end sets wTotalLength and
 * bNumInterfaces. */
static struct {
	uint8_t b[256];
	size_t len;
	uint8_t ifaces;
} written;

static void cfg_add(const uint8_t *d, size_t n)
{
	CHECK(written.len + n <= sizeof(written.b));
	if (written.len + n > sizeof(written.b))
		return;
	memcpy(written.b + written.len, d, n);
	written.len += n;
}

static void cfg_begin(void)
{
	static const uint8_t header[] = { 9, USB_DT_CONFIG, 0, 0, 0, 1, 0, 0xa0, 50 };

	written.len = 0;
	written.ifaces = 0;
	cfg_add(header, sizeof(header));
}

/* Interface number (alternate setting 0) of class cls, subclass sub, protocol proto. */
static void cfg_iface(uint8_t number, uint8_t cls, uint8_t sub, uint8_t proto)
{
	const uint8_t d[] = { 9, USB_DT_INTERFACE, number, 0, 1, cls, sub, proto, 0 };

	cfg_add(d, sizeof(d));
	written.ifaces++;
}

/* A HID descriptor naming one class descriptor: of type type, len bytes. */
static void cfg_hid(uint8_t type, uint16_t len)
{
	const uint8_t d[] = {
		9, USB_DT_HID, 0x11, 1, 0, 1, type, (uint8_t)len, (uint8_t)(len >> 8)
	};

	cfg_add(d, sizeof(d));
}

/* Endpoint addr (0x80: IN) of transfer type xfer, 8 bytes, interval 7. */
static void cfg_ep(uint8_t addr, uint8_t xfer)
{
	const uint8_t d[] = { 7, USB_DT_ENDPOINT, addr, xfer, 8, 0, 7 };

	cfg_add(d, sizeof(d));
}

/* The configuration written, parsed into *c (an exact-size copy, as parse()). */
static int cfg_end(struct usb_config_info *c, const char **why)
{
	written.b[2] = (uint8_t)written.len;
	written.b[3] = (uint8_t)(written.len >> 8);
	written.b[4] = written.ifaces;
	return parse(written.b, written.len, c, why);
}

/* A keyboard with a headset function (USB 2.0 5.6.3): interface 0 the boot keyboard,
 * interface 1 audio streaming whose default setting (alt 0) holds its isochronous IN
 * endpoint with no payload (max packet 0, as the specification asks of a default setting),
 * alt 1 the same endpoint with 192 bytes. Parsed (the zero-sized isochronous endpoint is
 * legal, not a broken descriptor), and the keyboard is interface 0. */
static void keyboard_with_idle_isochronous_endpoint(void)
{
	static const uint8_t iso_idle[] = { 7, USB_DT_ENDPOINT, 0x83, USB_EP_XFER_ISOC, 0, 0, 1 };
	static const uint8_t iso_alt1[] = { 7, USB_DT_ENDPOINT, 0x83, USB_EP_XFER_ISOC, 192, 0, 1 };
	static const uint8_t alt1[] = { 9, USB_DT_INTERFACE, 1, 1, 1, 1, 2, 0, 0 };
	struct usb_config_info c;
	const char *why = NULL;

	cfg_begin();
	cfg_iface(0, 3, 1, 1);
	cfg_hid(USB_DT_HID_REPORT, 63);
	cfg_ep(0x81, USB_EP_XFER_INT);
	cfg_iface(1, 1, 2, 0);
	cfg_add(iso_idle, sizeof(iso_idle));
	cfg_add(alt1, sizeof(alt1));
	cfg_add(iso_alt1, sizeof(iso_alt1));
	CHECK_EQ(cfg_end(&c, &why), 0);
	CHECK_EQ(c.n_ifaces, 2);
	CHECK_EQ(usb_find_boot_keyboard(&c, &why), 0);
}

/* usb_find_hid_iface takes the first HID interface without the boot subclass that has an
 * interrupt IN endpoint and a report descriptor length. Interfaces 0-3 each miss one of
 * these (a boot mouse, subclass 0 with a bulk IN endpoint only, subclass 0 whose HID
 * descriptor names only a physical descriptor, a vendor interface with a HID descriptor
 * and an interrupt IN endpoint), 4 and 5 have all: 4 (interface number 4), not 0 or 5;
 * from 5 on, 5; from 6 on, none. */
static void hid_iface_first_eligible(void)
{
	struct usb_config_info c;
	const char *why = NULL;

	cfg_begin();
	cfg_iface(0, USB_CLASS_HID, USB_HID_SUBCLASS_BOOT, USB_HID_PROTOCOL_MOUSE);
	cfg_hid(USB_DT_HID_REPORT, 50);
	cfg_ep(0x81, USB_EP_XFER_INT);
	cfg_iface(1, USB_CLASS_HID, 0, 0);
	cfg_hid(USB_DT_HID_REPORT, 60);
	cfg_ep(0x82, USB_EP_XFER_BULK);
	cfg_iface(2, USB_CLASS_HID, 0, 0);
	cfg_hid(0x23, 40); /* a physical descriptor (HID 1.11 7.1), no report descriptor */
	cfg_ep(0x83, USB_EP_XFER_INT);
	cfg_iface(3, 0xff, 0, 0);
	cfg_hid(USB_DT_HID_REPORT, 70);
	cfg_ep(0x84, USB_EP_XFER_INT);
	cfg_iface(4, USB_CLASS_HID, 0, 0);
	cfg_hid(USB_DT_HID_REPORT, 52);
	cfg_ep(0x85, USB_EP_XFER_INT);
	cfg_iface(5, USB_CLASS_HID, 0, 0);
	cfg_hid(USB_DT_HID_REPORT, 80);
	cfg_ep(0x86, USB_EP_XFER_INT);
	CHECK_EQ(cfg_end(&c, &why), 0);
	CHECK_EQ(c.n_ifaces, 6);
	CHECK_EQ(usb_find_boot_keyboard(&c, &why), -ENOENT);
	CHECK_EQ(usb_find_hid_iface(&c, 0), 4);
	CHECK_EQ(usb_find_hid_iface(&c, -1), 4); /* from before the first: from the first */
	CHECK_EQ(usb_find_hid_iface(&c, 4), 4);  /* from an eligible one: that one */
	CHECK_EQ(usb_find_hid_iface(&c, 5), 5);  /* the next after 4, as the probe asks */
	CHECK_EQ(usb_find_hid_iface(&c, 6), -ENOENT);
	CHECK_EQ(usb_find_hid_iface(&c, 100), -ENOENT);
	CHECK_EQ(c.iface[4].number, 4);
	CHECK_EQ(c.iface[4].report_desc_len, 52);
	CHECK_EQ(c.iface[4].int_in.address, 0x85);
	CHECK_EQ(c.iface[2].report_desc_len, 0);
	CHECK(c.iface[2].has_hid && c.iface[2].has_int_in);
	CHECK(!c.iface[1].has_int_in);
}

/* One eligible interface (HID subclass 0, protocol 0, interrupt IN, a 63-byte report
 * descriptor) is found at index 0, also with the keyboard or mouse protocol (meaningless
 * without the boot subclass), and with the boot subclass when its protocol names no boot
 * device (0, none; 3, reserved): nothing says what it is but its report descriptor (it
 * was passed over, so such a keyboard never typed). Changed in one field at a time (the
 * boot subclass with the keyboard or the mouse protocol, no interrupt IN endpoint, no
 * report descriptor named, not HID) it is not: -ENOENT. A mass storage interface alone:
 * -ENOENT. A later one behind an ineligible first: its index (1). */
static void hid_iface_each_condition(void)
{
	struct usb_config_info c, one;
	const char *why = NULL;

	cfg_begin();
	cfg_iface(0, USB_CLASS_HID, 0, 0);
	cfg_hid(USB_DT_HID_REPORT, 63);
	cfg_ep(0x81, USB_EP_XFER_INT);
	CHECK_EQ(cfg_end(&one, &why), 0);
	CHECK_EQ(usb_find_hid_iface(&one, 0), 0);
	c = one;
	c.iface[0].protocol = USB_HID_PROTOCOL_KEYBOARD;
	CHECK_EQ(usb_find_hid_iface(&c, 0), 0);
	c.iface[0].protocol = USB_HID_PROTOCOL_MOUSE;
	CHECK_EQ(usb_find_hid_iface(&c, 0), 0);
	c = one;
	c.iface[0].subclass = USB_HID_SUBCLASS_BOOT;
	CHECK_EQ(usb_find_hid_iface(&c, 0), 0);
	c.iface[0].protocol = 3;
	CHECK_EQ(usb_find_hid_iface(&c, 0), 0);
	c.iface[0].protocol = USB_HID_PROTOCOL_KEYBOARD;
	CHECK_EQ(usb_find_hid_iface(&c, 0), -ENOENT);
	c.iface[0].protocol = USB_HID_PROTOCOL_MOUSE;
	CHECK_EQ(usb_find_hid_iface(&c, 0), -ENOENT);
	c = one;
	c.iface[0].has_int_in = false;
	CHECK_EQ(usb_find_hid_iface(&c, 0), -ENOENT);
	c = one;
	c.iface[0].report_desc_len = 0;
	CHECK_EQ(usb_find_hid_iface(&c, 0), -ENOENT);
	c = one;
	c.iface[0].cls = 0xff;
	CHECK_EQ(usb_find_hid_iface(&c, 0), -ENOENT);

	cfg_begin();
	cfg_iface(0, 0x08, 6, 0x50); /* mass storage, SCSI, bulk-only */
	cfg_ep(0x81, USB_EP_XFER_BULK);
	cfg_ep(0x02, USB_EP_XFER_BULK);
	CHECK_EQ(cfg_end(&c, &why), 0);
	CHECK_EQ(usb_find_hid_iface(&c, 0), -ENOENT);

	cfg_begin();
	cfg_iface(0, USB_CLASS_HID, 0, 0); /* no report descriptor named */
	cfg_hid(0x23, 40);
	cfg_ep(0x81, USB_EP_XFER_INT);
	cfg_iface(1, USB_CLASS_HID, 0, 0);
	cfg_hid(USB_DT_HID_REPORT, 90);
	cfg_ep(0x82, USB_EP_XFER_INT);
	CHECK_EQ(cfg_end(&c, &why), 0);
	CHECK_EQ(usb_find_hid_iface(&c, 0), 1);
}

/* The report descriptor length usb_parse_config keeps from a HID descriptor (one HID
 * interface, its HID descriptor given whole as hid[]): the first (type, length) pair of
 * type report among bNumDescriptors, read only inside bLength. */
static uint16_t report_len_of(const uint8_t *hid, size_t n)
{
	struct usb_config_info c;
	const char *why = NULL;

	cfg_begin();
	cfg_iface(0, USB_CLASS_HID, 0, 0);
	cfg_add(hid, n);
	cfg_ep(0x81, USB_EP_XFER_INT);
	CHECK_EQ(cfg_end(&c, &why), 0);
	CHECK(c.iface[0].has_hid);
	return c.iface[0].report_desc_len;
}

/* A physical descriptor then a report descriptor: the report's 77 (the second pair read);
 * two report descriptors: the first's 50; a 16-bit length (4097) whole; bNumDescriptors 0
 * with a report pair in bLength: none (0); bNumDescriptors 2 in a 9-byte descriptor whose
 * one pair is physical: none; bNumDescriptors 2 in a 10-byte descriptor whose tenth byte
 * is 0x22, the length bytes after it the endpoint's (7, 5): none, nothing read past
 * bLength (it would be 0x0507). */
static void report_desc_len_parsed(void)
{
	static const uint8_t phys_then_report[] = { 12,   0x21, 0x11, 1,    0,  2,
						    0x23, 10,   0,    0x22, 77, 0 };
	static const uint8_t two_reports[] = { 12, 0x21, 0x11, 1, 0, 2, 0x22, 50, 0, 0x22, 90, 0 };
	static const uint8_t long_report[] = { 9, 0x21, 0x11, 1, 0, 1, 0x22, 0x01, 0x10 };
	static const uint8_t none_counted[] = { 9, 0x21, 0x11, 1, 0, 0, 0x22, 63, 0 };
	static const uint8_t second_missing[] = { 9, 0x21, 0x11, 1, 0, 2, 0x23, 10, 0 };
	static const uint8_t second_cut[] = { 10, 0x21, 0x11, 1, 0, 2, 0x23, 10, 0, 0x22 };

	CHECK_EQ(report_len_of(phys_then_report, sizeof(phys_then_report)), 77);
	CHECK_EQ(report_len_of(two_reports, sizeof(two_reports)), 50);
	CHECK_EQ(report_len_of(long_report, sizeof(long_report)), 4097);
	CHECK_EQ(report_len_of(none_counted, sizeof(none_counted)), 0);
	CHECK_EQ(report_len_of(second_missing, sizeof(second_missing)), 0);
	CHECK_EQ(report_len_of(second_cut, sizeof(second_cut)), 0);
}

static void hub_descriptor(void)
{
	static const uint8_t hub_cfg[] = { 9, 2, 25, 0, 1, 1, 0, 0xe0, 0, 9, 4, 0,   0,
					   1, 9, 0,  0, 0, 7, 5, 0x81, 3, 2, 0, 0xff };
	static const uint8_t hub[] = { 9, 0x29, 8, 0, 0, 50, 0, 0, 0xff };
	struct usb_config_info c;
	struct usb_hub_info h;
	const char *why = NULL;
	uint8_t b[sizeof(hub)];

	CHECK_EQ(parse(hub_cfg, sizeof(hub_cfg), &c, &why), 0);
	CHECK_EQ(usb_find_hub_iface(&c, &why), 0);
	CHECK_EQ(usb_parse_hub_desc(hub, sizeof(hub), false, &h, &why), 0);
	CHECK_EQ(h.num_ports, 8);
	CHECK_EQ(h.power_on_ms, 100);
	CHECK_EQ(usb_parse_hub_desc(hub, 6, false, &h, &why), -EINVAL);
	CHECK_EQ(usb_parse_hub_desc(hub, sizeof(hub), true, &h, &why), -EINVAL);
	memcpy(b, hub, sizeof(b));
	b[2] = 0;
	CHECK_EQ(usb_parse_hub_desc(b, sizeof(b), false, &h, &why), -EINVAL);
	b[2] = 16;
	CHECK_EQ(usb_parse_hub_desc(b, sizeof(b), false, &h, &why), -EINVAL);
	b[2] = 4;
	b[0] = 0;
	CHECK_EQ(usb_parse_hub_desc(b, sizeof(b), false, &h, &why), -EINVAL);
}

static void intervals(void)
{
	CHECK_EQ(usb_xhci_interval(USB_SPEED_HIGH, 7), 6); /* 2^6 x 125 us = 8 ms */
	CHECK_EQ(usb_xhci_interval(USB_SPEED_HIGH, 0), 0);
	CHECK_EQ(usb_xhci_interval(USB_SPEED_HIGH, 200), 15);
	CHECK_EQ(usb_xhci_interval(USB_SPEED_FULL, 10), 6);  /* 8 ms: the power of two below 10 */
	CHECK_EQ(usb_xhci_interval(USB_SPEED_FULL, 1), 3);   /* 1 ms */
	CHECK_EQ(usb_xhci_interval(USB_SPEED_LOW, 255), 10); /* 128 ms */
	CHECK_EQ(usb_xhci_interval(USB_SPEED_FULL, 0), 3);
}

/* A refusal: the parser's result is -EINVAL and its reason is exactly want. */
static void expect_refused(int got, const char *why, const char *want, int line)
{
	UNIT_CHECKED();
	if (got != -EINVAL || !why || strcmp(why, want) != 0) {
		fprintf(stderr, "  line %d: %d \"%s\", expected -EINVAL \"%s\"\n", line, got,
			why ? why : "(none)", want);
		UNIT_FAIL();
	}
}
#define EXPECT_REFUSED(call, want)                          \
	do {                                                \
		int got_ = (call); /* before why is read */ \
		expect_refused(got_, why, want, __LINE__);  \
	} while (0)

/* The refusals the cases above reach without naming, each by its reason: endpoint 0's
 * packet size against every speed and a speed the stack does not know, a device or
 * configuration header of another type, a configuration that ends one byte into a
 * header, a short HID descriptor, no interface at all, a hub interface without its status
 * endpoint, a hub descriptor of the wrong type (USB 2 for USB 3 and back). A device or
 * configuration header whose bLength is shorter than the field read next, though the bytes
 * arrived (a device descriptor of "7 bytes" whose byte 7 is then no max packet size; a
 * configuration header of "8 bytes", after which the walk would start inside it). */
static void every_refusal_named(void)
{
	uint8_t b[sizeof(kbd_config)];
	struct usb_config_info c;
	struct usb_hub_info h;
	const char *why = NULL;

	memcpy(b, kbd_device, 8);
	b[1] = USB_DT_CONFIG;
	EXPECT_REFUSED(usb_parse_max_packet0(b, 8, USB_SPEED_HIGH, &why),
		       "not a device descriptor");
	b[1] = USB_DT_DEVICE;
	b[7] = 8;
	EXPECT_REFUSED(usb_parse_max_packet0(b, 8, USB_SPEED_HIGH, &why),
		       "high-speed max packet size is not 64");
	EXPECT_REFUSED(usb_parse_max_packet0(b, 8, USB_SPEED_SUPER, &why),
		       "super-speed max packet exponent is not 9");
	CHECK_EQ(usb_parse_max_packet0(b, 8, USB_SPEED_LOW, &why), 8);
	EXPECT_REFUSED(usb_parse_max_packet0(b, 8, (enum usb_speed)0, &why), "unknown speed");
	EXPECT_REFUSED(usb_parse_max_packet0(b, 8, (enum usb_speed)9, &why), "unknown speed");
	memcpy(b, kbd_device, 8);
	b[0] = 7;
	EXPECT_REFUSED(usb_parse_max_packet0(b, 8, USB_SPEED_HIGH, &why),
		       "device descriptor shorter than 8 bytes");

	memcpy(b, kbd_config, sizeof(b));
	b[0] = 8;
	EXPECT_REFUSED(usb_config_total_length(b, sizeof(b), &why),
		       "configuration descriptor shorter than 9 bytes");
	EXPECT_REFUSED(parse(b, sizeof(b), &c, &why), "configuration descriptor shorter than 9 bytes");

	memcpy(b, kbd_config, sizeof(b));
	b[1] = USB_DT_DEVICE;
	EXPECT_REFUSED(parse(b, sizeof(b), &c, &why), "not a configuration descriptor");
	memcpy(b, kbd_config, sizeof(b));
	b[2] = 10; /* the interface's first byte, then the end */
	EXPECT_REFUSED(parse(b, sizeof(b), &c, &why),
		       "configuration ends inside a descriptor header");
	memcpy(b, kbd_config, sizeof(b));
	b[18] = 5; /* HID descriptor of 5 bytes; 4 stray bytes follow it */
	EXPECT_REFUSED(parse(b, sizeof(b), &c, &why), "HID descriptor shorter than 6 bytes");
	{
		/* a configuration of nothing but a HID descriptor, then one whose only interface
		 * is an alternate setting (alt 1): neither gives an interface to use */
		static const uint8_t lone_hid[] = { 9, 2,    18,   0, 1, 1, 0,    0xa0, 50,
						    9, 0x21, 0x11, 1, 0, 1, 0x22, 63,   0 };
		static const uint8_t alt_only[] = { 9, 2, 18, 0, 1, 1, 0, 0xa0, 50,
						    9, 4, 0,  1, 0, 3, 1, 1,    0 };

		EXPECT_REFUSED(parse(lone_hid, sizeof(lone_hid), &c, &why),
			       "configuration without interfaces");
		EXPECT_REFUSED(parse(alt_only, sizeof(alt_only), &c, &why),
			       "configuration without interfaces");
	}
	{
		/* a hub whose interface has a bulk endpoint only */
		static const uint8_t hub_cfg[] = { 9, 2, 25, 0, 1, 1, 0, 0xe0, 0, 9,  4, 0, 0,
						   1, 9, 0,  0, 0, 7, 5, 0x81, 2, 64, 0, 0 };
		static const uint8_t hub2[] = { 9, 0x29, 4, 0, 0, 50, 0, 0, 0xff };
		static const uint8_t hub3[] = { 12, 0x2a, 4, 0, 0, 50, 0, 0, 0, 0, 0, 0 };

		CHECK_EQ(parse(hub_cfg, sizeof(hub_cfg), &c, &why), 0);
		EXPECT_REFUSED(usb_find_hub_iface(&c, &why),
			       "hub interface without an interrupt IN endpoint");
		memcpy(b, hub3, sizeof(hub3));
		b[1] = 0x29;
		EXPECT_REFUSED(usb_parse_hub_desc(b, sizeof(hub3), true, &h, &why),
			       "not a hub descriptor");
		memcpy(b, hub2, sizeof(hub2));
		b[1] = 0x2a;
		EXPECT_REFUSED(usb_parse_hub_desc(b, sizeof(hub2), false, &h, &why),
			       "not a hub descriptor");
		CHECK_EQ(usb_parse_hub_desc(hub3, sizeof(hub3), true, &h, &why), 0);
		CHECK_EQ(h.num_ports, 4);
		CHECK(h.super_speed);
	}
}

int main(void)
{
	RUN(keyboard_config);
	RUN(device_descriptor);
	RUN(lying_total_length);
	RUN(bad_lengths);
	RUN(wrong_endpoints);
	RUN(alternate_settings_and_tablet);
	RUN(keyboard_with_idle_isochronous_endpoint);
	RUN(hid_iface_first_eligible);
	RUN(hid_iface_each_condition);
	RUN(report_desc_len_parsed);
	RUN(hub_descriptor);
	RUN(intervals);
	RUN(every_refusal_named);
	return unit_summary();
}
