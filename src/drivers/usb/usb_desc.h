/* SPDX-License-Identifier: MIT */
/*
 * USB descriptors (USB 2.0 chapter 9, USB 3.2 chapter 9, HID 1.11 section 6.2.1, USB 2.0
 * section 11.23 and USB 3.2 section 10.15 for hubs): the pure parsers in usb_desc.c, private
 * to src/drivers/usb/ and compiled for the host too (tests/unit/drivers/usb, fuzz/).
 *
 * Every parser takes the bytes the device sent and their count, never trusts a length
 * field, and on refusal returns -EINVAL with *why set to a short static reason for the
 * `usb:` log line ("zero-length descriptor", "total length 300 but 40 bytes read" ...).
 */
#ifndef LIOS_USB_DESC_H
#define LIOS_USB_DESC_H

#include <lios/compiler.h>

/* Descriptor types (USB 2.0 table 9-5, HID 7.1, hub 11.23.2.1, USB 3.2 table 9-6). */
#define USB_DT_DEVICE 0x01
#define USB_DT_CONFIG 0x02
#define USB_DT_STRING 0x03
#define USB_DT_INTERFACE 0x04
#define USB_DT_ENDPOINT 0x05
#define USB_DT_HID 0x21
#define USB_DT_HID_REPORT 0x22
#define USB_DT_HUB 0x29
#define USB_DT_SS_HUB 0x2a
#define USB_DT_SS_EP_COMP 0x30

#define USB_DT_DEVICE_SIZE 18
#define USB_DT_CONFIG_SIZE 9
#define USB_DT_INTERFACE_SIZE 9
#define USB_DT_ENDPOINT_SIZE 7
#define USB_DT_HID_MIN_SIZE 6
#define USB_DT_HUB_MIN_SIZE 7
#define USB_DT_SS_HUB_SIZE 12

/* Classes, subclasses and protocols the stack drives. */
#define USB_CLASS_PER_INTERFACE 0x00
#define USB_CLASS_HID 0x03
#define USB_CLASS_HUB 0x09
#define USB_HID_SUBCLASS_BOOT 0x01
#define USB_HID_PROTOCOL_KEYBOARD 0x01
#define USB_HID_PROTOCOL_MOUSE 0x02

/* bmAttributes transfer type, bEndpointAddress direction. */
#define USB_EP_XFER_MASK 0x03
#define USB_EP_XFER_CONTROL 0
#define USB_EP_XFER_ISOC 1
#define USB_EP_XFER_BULK 2
#define USB_EP_XFER_INT 3
#define USB_EP_DIR_IN 0x80
#define USB_EP_NUM_MASK 0x0f

/* Speeds as the xHCI port speed IDs name them (PORTSC bits 13:10, default mapping). */
enum usb_speed {
	USB_SPEED_UNKNOWN = 0,
	USB_SPEED_FULL = 1,
	USB_SPEED_LOW = 2,
	USB_SPEED_HIGH = 3,
	USB_SPEED_SUPER = 4,
};

/* Limits of one configuration: a longer one (wTotalLength) is refused; interfaces past
 * USB_MAX_IFACES are not refused but ignored. */
#define USB_CONFIG_MAX_LEN 1024 /* bytes of a configuration we read */
#define USB_MAX_IFACES 8

struct usb_device_desc {
	uint16_t bcd_usb;
	uint8_t dev_class, dev_subclass, dev_protocol;
	uint8_t max_packet0;   /* bMaxPacketSize0 as sent (an exponent for USB 3) */
	uint16_t vendor, product, bcd_device;
	uint8_t num_configs;
};

struct usb_endpoint_info {
	uint8_t address;       /* bEndpointAddress */
	uint8_t attributes;    /* bmAttributes */
	uint16_t max_packet;   /* wMaxPacketSize bits 10:0 */
	uint8_t interval;      /* bInterval */
};

/* One interface (alternate setting 0) and the first interrupt IN endpoint it has. */
struct usb_iface_info {
	uint8_t number, cls, subclass, protocol;
	uint8_t num_endpoints;     /* endpoint descriptors found (not bNumEndpoints) */
	bool has_int_in;
	bool has_hid;              /* a HID class descriptor came with it */
	uint16_t report_desc_len;  /* its report descriptor's wDescriptorLength; 0: none named */
	bool ep_bad_type;          /* some endpoint was not interrupt IN */
	struct usb_endpoint_info int_in;
};

struct usb_config_info {
	uint16_t total_length;
	uint8_t num_interfaces;    /* bNumInterfaces */
	uint8_t value;             /* bConfigurationValue, for SET_CONFIGURATION */
	uint8_t attributes;
	uint8_t max_power;         /* bMaxPower, 2 mA (8 mA at super speed) units */
	uint8_t n_ifaces;          /* entries of iface[] filled */
	struct usb_iface_info iface[USB_MAX_IFACES];
};

/* A high-speed hub's TT think time from wHubCharacteristics: 0-3, in 8 FS bit times. */
#define USB_HUB_TT_THINK(c) (((c) >> 5) & 3u)

struct usb_hub_info {
	uint8_t num_ports;         /* 1-15 */
	uint16_t characteristics;  /* wHubCharacteristics (USB_HUB_TT_THINK: bits 6:5) */
	uint16_t power_on_ms;      /* bPwrOn2PwrGood * 2 */
	bool super_speed;          /* USB 3 hub descriptor */
};

/* The endpoint-0 max packet size the first 8 bytes of a device descriptor give (buf holds
 * len bytes) at this speed, in bytes; -EINVAL (and *why) for a length or value the speed
 * does not allow (low 8; full 8/16/32/64; high 64; super 2^9). Pure. */
int usb_parse_max_packet0(const uint8_t *buf, size_t len, enum usb_speed speed, const char **why);
/* The whole 18-byte device descriptor into *d. Returns 0 or -EINVAL. Pure. */
int usb_parse_device_desc(const uint8_t *buf, size_t len, struct usb_device_desc *d, const char **why);
/* wTotalLength of a configuration descriptor's 9-byte header, or -EINVAL (shorter than 9,
 * not a configuration, total below 9 or above USB_CONFIG_MAX_LEN). Pure. */
int usb_config_total_length(const uint8_t *buf, size_t len, const char **why);
/*
 * Walk a whole configuration (len bytes read for it) into *c: its interfaces at alternate
 * setting 0 with their first interrupt IN endpoint and whether a HID descriptor came with
 * them (and the length of the report descriptor it names). Refused: total length above len or below 9, a descriptor of length 0 or 1, one
 * that runs past the end, an interface or endpoint descriptor shorter than its type, an
 * endpoint before any interface, an endpoint with address 0 or with max packet 0 (but an
 * isochronous one, which a default setting must have so: USB 2.0 5.6.3). Unknown
 * descriptors are skipped. Pure.
 */
int usb_parse_config(const uint8_t *buf, size_t len, struct usb_config_info *c, const char **why);
/* Index in c->iface of the HID boot keyboard interface, or -ENOENT when there is none, or
 * -EINVAL with *why when there is one but it cannot be driven (no interrupt IN endpoint,
 * max packet below 8). Pure. */
int usb_find_boot_keyboard(const struct usb_config_info *c, const char **why);
/* Index of the first HID interface without the boot keyboard or mouse protocol (subclass
 * 0, or the boot subclass with protocol 0, none, or a reserved one), at index from or
 * later, that has an interrupt IN endpoint and names a report descriptor: a keyboard if
 * that descriptor declares keys (a keyboard without a boot interface), else a tablet, a
 * gamepad ...; -ENOENT when there is none. Pure. */
int usb_find_hid_iface(const struct usb_config_info *c, int from);
/* Index of the hub interface (class 9, with an interrupt IN endpoint), -ENOENT, -EINVAL. */
int usb_find_hub_iface(const struct usb_config_info *c, const char **why);
/* A hub descriptor (type 0x29, or 0x2a when super_speed) into *h. Refused: shorter than
 * its type, no ports or more than 15. Pure. */
int usb_parse_hub_desc(const uint8_t *buf, size_t len, bool super_speed, struct usb_hub_info *h,
		       const char **why);
/* The xHCI endpoint context Interval (period 2^Interval x 125 us) for an interrupt
 * endpoint's bInterval at this speed: high/super speed bInterval - 1 (bInterval 1-16 is
 * 2^(bInterval-1) microframes), low/full speed 3 + floor(log2(bInterval ms)); clamped to
 * what the speed allows (3-10 low/full, 0-15 high/super), bInterval 0 taken as 1. Pure. */
unsigned int usb_xhci_interval(enum usb_speed speed, uint8_t binterval);
/* Short names for logs: "full", "low", "high", "super", "?" and a class ("HID", "hub",
 * "mass storage", ...). Pure. */
const char *usb_speed_name(enum usb_speed s);
const char *usb_class_name(uint8_t cls);

/* A device as the `usb` listing shows it (usb.c fills it from a struct usb_dev). */
struct usb_dev_summary {
	const char *name;          /* "1-5.2" */
	unsigned int slot;         /* xHCI slot, 0 before Enable Slot */
	enum usb_speed speed;
	const struct usb_device_desc *desc; /* vendor and product 0: not read yet */
	const struct usb_config_info *cfg;  /* n_ifaces 0: not read yet */
	const char *what;          /* what LiOS does with it: "keyboard", "hub", "no driver" ... */
};
/* The class a device shows: its own, or its first interface's when it leaves the class to
 * its interfaces (class 0, as mass storage sticks and mice do); a HID device's with the boot
 * protocol of its first HID interface: "HID keyboard", "HID mouse", or "HID" for any other
 * (HID 1.11 4.2, 4.3); "-" before its device descriptor was read. Pure. */
const char *usb_dev_class_label(const struct usb_device_desc *desc, const struct usb_config_info *cfg);
/* One line of the `usb` listing, without newline, into buf (n bytes, always terminated):
 * "  <name, padded to name_width> slot <slot> <speed> <vvvv:pppp> <class> <what>". Returns
 * what ksnprintf returns (the length it wanted). Pure. */
int usb_format_dev_line(char *buf, size_t n, int name_width, const struct usb_dev_summary *s);

#endif
