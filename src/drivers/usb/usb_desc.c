// SPDX-License-Identifier: MIT
/*
 * Pure parsers for the descriptors a USB device sends: device, configuration (with its
 * interfaces, endpoints and HID descriptors), hub. Devices are hostile input: every length
 * field is checked against the bytes actually received before anything is read, so a
 * descriptor of length 0 (which would loop forever), one that runs past the end, a
 * configuration whose wTotalLength lies, an endpoint before its interface or an endpoint of
 * the wrong kind is refused with a reason, never read beyond. Only alternate setting 0 of
 * each interface is kept: the stack never switches alternate settings.
 * Compiled for the kernel and the host (tests/unit/drivers/usb, fuzz/usb_desc_fuzz.c).
 * Also the names and the `usb` listing line made from what the descriptors said.
 */
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "usb_desc.h"

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static int refuse(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EINVAL;
}

/*
 * usb_parse_max_packet0 - endpoint 0's max packet size from the first bytes of a device
 * descriptor (byte 7), checked against what the speed allows. Pure.
 */
int usb_parse_max_packet0(const uint8_t *buf, size_t len, enum usb_speed speed, const char **why)
{
	uint8_t mps;

	if (len < 8 || buf[0] < 8)
		return refuse(why, "device descriptor shorter than 8 bytes");
	if (buf[1] != USB_DT_DEVICE)
		return refuse(why, "not a device descriptor");
	mps = buf[7];
	switch (speed) {
	case USB_SPEED_LOW:
		if (mps != 8)
			return refuse(why, "low-speed max packet size is not 8");
		return 8;
	case USB_SPEED_FULL:
		if (mps != 8 && mps != 16 && mps != 32 && mps != 64)
			return refuse(why, "full-speed max packet size not 8/16/32/64");
		return mps;
	case USB_SPEED_HIGH:
		if (mps != 64)
			return refuse(why, "high-speed max packet size is not 64");
		return 64;
	case USB_SPEED_SUPER:
		if (mps != 9)
			return refuse(why, "super-speed max packet exponent is not 9");
		return 512;
	default:
		return refuse(why, "unknown speed");
	}
}

/* usb_parse_device_desc - the 18-byte device descriptor into *d. Pure. */
int usb_parse_device_desc(const uint8_t *buf, size_t len, struct usb_device_desc *d, const char **why)
{
	if (len < USB_DT_DEVICE_SIZE)
		return refuse(why, "device descriptor shorter than 18 bytes");
	if (buf[0] < USB_DT_DEVICE_SIZE)
		return refuse(why, "device descriptor bLength below 18");
	if (buf[1] != USB_DT_DEVICE)
		return refuse(why, "not a device descriptor");
	d->bcd_usb = le16(buf + 2);
	d->dev_class = buf[4];
	d->dev_subclass = buf[5];
	d->dev_protocol = buf[6];
	d->max_packet0 = buf[7];
	d->vendor = le16(buf + 8);
	d->product = le16(buf + 10);
	d->bcd_device = le16(buf + 12);
	d->num_configs = buf[17];
	if (d->num_configs == 0)
		return refuse(why, "device has no configuration");
	return 0;
}

/* usb_config_total_length - wTotalLength from a configuration header. Pure. */
int usb_config_total_length(const uint8_t *buf, size_t len, const char **why)
{
	uint16_t total;

	if (len < USB_DT_CONFIG_SIZE || buf[0] < USB_DT_CONFIG_SIZE)
		return refuse(why, "configuration descriptor shorter than 9 bytes");
	if (buf[1] != USB_DT_CONFIG)
		return refuse(why, "not a configuration descriptor");
	total = le16(buf + 2);
	if (total < USB_DT_CONFIG_SIZE)
		return refuse(why, "configuration total length below 9");
	if (total > USB_CONFIG_MAX_LEN)
		return refuse(why, "configuration total length above 1024");
	return total;
}

/* One endpoint descriptor of the current interface. */
static int add_endpoint(struct usb_iface_info *it, const uint8_t *p, const char **why)
{
	struct usb_endpoint_info ep;

	if (p[0] < USB_DT_ENDPOINT_SIZE) /* before any field is read: p[0] bytes are there */
		return refuse(why, "endpoint descriptor shorter than 7 bytes");
	ep = (struct usb_endpoint_info){
		.address = p[2], .attributes = p[3], .max_packet = le16(p + 4) & 0x7ff, .interval = p[6],
	};
	if ((ep.address & USB_EP_NUM_MASK) == 0)
		return refuse(why, "endpoint descriptor for endpoint 0");
	/* an isochronous endpoint of a default setting carries nothing (USB 2.0 5.6.3): legal */
	if (ep.max_packet == 0 && (ep.attributes & USB_EP_XFER_MASK) != USB_EP_XFER_ISOC)
		return refuse(why, "endpoint max packet size 0");
	it->num_endpoints++;
	if ((ep.attributes & USB_EP_XFER_MASK) == USB_EP_XFER_INT && (ep.address & USB_EP_DIR_IN)) {
		if (!it->has_int_in) {
			it->has_int_in = true;
			it->int_in = ep;
		}
	} else {
		it->ep_bad_type = true;
	}
	return 0;
}

/* The report descriptor's length a HID descriptor (p[0] >= 6 bytes) names: the first of its
 * bNumDescriptors (type, length) pairs of type report that lies inside it (HID 1.11
 * 6.2.1); 0 when there is none. */
static uint16_t hid_report_desc_len(const uint8_t *p)
{
	for (size_t i = 0; i < p[5] && 6 + 3 * i + 3 <= p[0]; i++)
		if (p[6 + 3 * i] == USB_DT_HID_REPORT)
			return (uint16_t)(p[7 + 3 * i] | p[8 + 3 * i] << 8);
	return 0;
}

/*
 * usb_parse_config - walk a configuration's descriptors (see usb_desc.h for what is
 * refused). *c is filled with what was kept. Pure.
 */
int usb_parse_config(const uint8_t *buf, size_t len, struct usb_config_info *c, const char **why)
{
	struct usb_iface_info *cur = NULL; /* interface (alt 0) endpoints now belong to */
	bool in_iface = false;             /* some interface descriptor was seen */
	int total = usb_config_total_length(buf, len, why);
	size_t off;

	memset(c, 0, sizeof(*c));
	if (total < 0)
		return total;
	if ((size_t)total > len)
		return refuse(why, "configuration total length longer than what was read");
	c->total_length = (uint16_t)total;
	c->num_interfaces = buf[4];
	c->value = buf[5];
	c->attributes = buf[7];
	c->max_power = buf[8];

	for (off = buf[0]; off < (size_t)total;) {
		const uint8_t *p = buf + off;
		size_t left = (size_t)total - off;
		int err = 0;

		if (left < 2)
			return refuse(why, "configuration ends inside a descriptor header");
		if (p[0] < 2)
			return refuse(why, "zero-length descriptor in configuration");
		if (p[0] > left)
			return refuse(why, "descriptor runs past the configuration's end");
		switch (p[1]) {
		case USB_DT_INTERFACE:
			if (p[0] < USB_DT_INTERFACE_SIZE)
				return refuse(why, "interface descriptor shorter than 9 bytes");
			in_iface = true;
			cur = NULL;
			if (p[3] == 0 && c->n_ifaces < USB_MAX_IFACES) {
				cur = &c->iface[c->n_ifaces++];
				cur->number = p[2];
				cur->cls = p[5];
				cur->subclass = p[6];
				cur->protocol = p[7];
			}
			break;
		case USB_DT_ENDPOINT:
			if (!in_iface)
				return refuse(why, "endpoint descriptor before any interface");
			if (cur)
				err = add_endpoint(cur, p, why);
			break;
		case USB_DT_HID:
			if (p[0] < USB_DT_HID_MIN_SIZE)
				return refuse(why, "HID descriptor shorter than 6 bytes");
			if (cur) {
				cur->has_hid = true;
				cur->report_desc_len = hid_report_desc_len(p);
			}
			break;
		default:
			break; /* class-specific or unknown: skipped */
		}
		if (err)
			return err;
		off += p[0];
	}
	if (c->n_ifaces == 0)
		return refuse(why, "configuration without interfaces");
	return 0;
}

/* usb_find_boot_keyboard - the HID boot keyboard interface of c. Pure. */
int usb_find_boot_keyboard(const struct usb_config_info *c, const char **why)
{
	for (int i = 0; i < c->n_ifaces; i++) {
		const struct usb_iface_info *it = &c->iface[i];

		if (it->cls != USB_CLASS_HID || it->subclass != USB_HID_SUBCLASS_BOOT ||
		    it->protocol != USB_HID_PROTOCOL_KEYBOARD)
			continue;
		if (!it->has_int_in)
			return refuse(why, it->num_endpoints ? "keyboard endpoint is not interrupt IN"
							     : "keyboard interface without endpoints");
		if (it->int_in.max_packet < 8)
			return refuse(why, "keyboard endpoint max packet below 8");
		return i;
	}
	return -ENOENT;
}

/* A boot interface whose protocol names a device (HID 1.11 4.3: 1 keyboard, 2 mouse); with
 * 0 (none) or a reserved value only its report descriptor says what it is. */
static bool boot_device(const struct usb_iface_info *it)
{
	return it->subclass == USB_HID_SUBCLASS_BOOT &&
	       (it->protocol == USB_HID_PROTOCOL_KEYBOARD || it->protocol == USB_HID_PROTOCOL_MOUSE);
}

/* usb_find_hid_iface - a HID interface of c without a boot keyboard or mouse protocol. Pure. */
int usb_find_hid_iface(const struct usb_config_info *c, int from)
{
	for (int i = MAX(from, 0); i < c->n_ifaces; i++) {
		const struct usb_iface_info *it = &c->iface[i];

		if (it->cls == USB_CLASS_HID && !boot_device(it) && it->has_int_in && it->report_desc_len)
			return i;
	}
	return -ENOENT;
}

/* usb_find_hub_iface - the hub interface of c. Pure. */
int usb_find_hub_iface(const struct usb_config_info *c, const char **why)
{
	for (int i = 0; i < c->n_ifaces; i++) {
		const struct usb_iface_info *it = &c->iface[i];

		if (it->cls != USB_CLASS_HUB)
			continue;
		if (!it->has_int_in)
			return refuse(why, "hub interface without an interrupt IN endpoint");
		return i;
	}
	return -ENOENT;
}

/* usb_parse_hub_desc - a USB 2 (0x29) or USB 3 (0x2a) hub descriptor. Pure. */
int usb_parse_hub_desc(const uint8_t *buf, size_t len, bool super_speed, struct usb_hub_info *h,
		       const char **why)
{
	size_t need = super_speed ? USB_DT_SS_HUB_SIZE : USB_DT_HUB_MIN_SIZE;

	if (len < need || buf[0] < need)
		return refuse(why, "hub descriptor too short");
	if (buf[1] != (super_speed ? USB_DT_SS_HUB : USB_DT_HUB))
		return refuse(why, "not a hub descriptor");
	if (buf[2] == 0 || buf[2] > 15)
		return refuse(why, "hub port count not 1-15");
	h->num_ports = buf[2];
	h->characteristics = le16(buf + 3);
	h->power_on_ms = (uint16_t)(buf[5] * 2);
	h->super_speed = super_speed;
	return 0;
}

/* usb_xhci_interval - see usb_desc.h. Pure. */
unsigned int usb_xhci_interval(enum usb_speed speed, uint8_t binterval)
{
	unsigned int b = binterval ? binterval : 1, log2 = 0;

	if (speed == USB_SPEED_HIGH || speed == USB_SPEED_SUPER)
		return MIN(b, 16u) - 1;
	while ((2u << log2) <= b)
		log2++;
	return MIN(3 + log2, 10u);
}

/* usb_speed_name - "low", "full", "high", "super" or "?". Pure. */
const char *usb_speed_name(enum usb_speed s)
{
	switch (s) {
	case USB_SPEED_LOW: return "low";
	case USB_SPEED_FULL: return "full";
	case USB_SPEED_HIGH: return "high";
	case USB_SPEED_SUPER: return "super";
	default: return "?";
	}
}

/* usb_class_name - a short name of a USB class code (USB-IF class codes). Pure. */
const char *usb_class_name(uint8_t cls)
{
	switch (cls) {
	case 0x00: return "per-interface";
	case 0x01: return "audio";
	case 0x02: return "comm";
	case 0x03: return "HID";
	case 0x07: return "printer";
	case 0x08: return "mass storage";
	case 0x09: return "hub";
	case 0x0a: return "CDC data";
	case 0x0e: return "video";
	case 0xe0: return "wireless";
	case 0xef: return "misc";
	case 0xff: return "vendor";
	default: return "other";
	}
}

/* A HID device's label from its first HID interface: the boot protocol it offers (HID 1.11
 * 4.2: subclass 1 is the boot interface; 4.3: protocol 1 keyboard, 2 mouse, meaningful only
 * with it), else plain "HID" (a tablet, a gamepad, a keyboard without boot protocol). */
static const char *hid_label(const struct usb_config_info *cfg)
{
	for (unsigned int i = 0; i < cfg->n_ifaces && i < USB_MAX_IFACES; i++) {
		const struct usb_iface_info *f = &cfg->iface[i];

		if (f->cls != USB_CLASS_HID)
			continue;
		if (f->subclass != USB_HID_SUBCLASS_BOOT)
			return "HID";
		return f->protocol == USB_HID_PROTOCOL_KEYBOARD ? "HID keyboard"
		       : f->protocol == USB_HID_PROTOCOL_MOUSE  ? "HID mouse"
								: "HID";
	}
	return "HID";
}

/* usb_dev_class_label - see usb_desc.h. Pure. */
const char *usb_dev_class_label(const struct usb_device_desc *desc, const struct usb_config_info *cfg)
{
	uint8_t cls = desc->dev_class;

	if (!desc->vendor && !desc->product)
		return "-";
	if (cls == USB_CLASS_PER_INTERFACE && cfg->n_ifaces)
		cls = cfg->iface[0].cls;
	return cls == USB_CLASS_HID ? hid_label(cfg) : usb_class_name(cls);
}

/* usb_format_dev_line - see usb_desc.h. Pure. */
int usb_format_dev_line(char *buf, size_t n, int name_width, const struct usb_dev_summary *s)
{
	return ksnprintf(buf, n, "  %-*s slot %-3u %-5s %04x:%04x %-13s %s", name_width, s->name, s->slot,
			 usb_speed_name(s->speed), s->desc->vendor, s->desc->product,
			 usb_dev_class_label(s->desc, s->cfg), s->what);
}
