// SPDX-License-Identifier: MIT
/*
 * Host tests of what the `usb` listing shows (src/drivers/usb/usb_desc.c): the line for a
 * device, with or without a driver, its column widths, a buffer too short; the class
 * column of HID devices by their interfaces; the speed and class names and their
 * fallbacks. The descriptor parsers are in test_usb_desc.c.
 */
#include <string.h>
#include "../../unit.h"
#include "../../../../src/drivers/usb/usb_desc.h"

/* The `usb` listing's device lines (usb_format_dev_line): a keyboard, a hub, a mass storage
 * stick and a mouse that leave their class to their interface (class 0: the interface's
 * class shown) and are driven by nothing, a device not yet read ("-", 0000:0000); a name
 * longer than the column pads the others to it; a short buffer is cut, terminated. */
static void listing_lines(void)
{
	static const struct usb_device_desc hub = { .dev_class = USB_CLASS_HUB,
						    .vendor = 0x0409,
						    .product = 0x55aa };
	static const struct usb_device_desc stick = { .vendor = 0x46f4, .product = 0x0001 };
	static const struct usb_device_desc none;
	/* QEMU's usb-kbd: its class left to its one interface, a boot keyboard */
	static const struct usb_device_desc kbd = { .vendor = 0x0627, .product = 0x0001 };
	struct usb_config_info kbd_cfg, stick_cfg, mouse_cfg, empty;
	char line[128], a[128], b[128];

	memset(&kbd_cfg, 0, sizeof(kbd_cfg));
	kbd_cfg.n_ifaces = 1;
	kbd_cfg.iface[0] =
		(struct usb_iface_info){ .cls = USB_CLASS_HID, .subclass = 1, .protocol = 1 };
	memset(&stick_cfg, 0, sizeof(stick_cfg));
	stick_cfg.n_ifaces = 1;
	stick_cfg.iface[0].cls = 0x08;
	mouse_cfg = stick_cfg;
	mouse_cfg.iface[0].cls = USB_CLASS_HID;
	memset(&empty, 0, sizeof(empty));

	usb_format_dev_line(
		line, sizeof(line), 8,
		&(struct usb_dev_summary){ "1-5", 2, USB_SPEED_HIGH, &kbd, &kbd_cfg, "keyboard" });
	CHECK_STR_EQ(line, "  1-5      slot 2   high  0627:0001 HID keyboard  keyboard");
	usb_format_dev_line(
		line, sizeof(line), 8,
		&(struct usb_dev_summary){ "1-1", 1, USB_SPEED_HIGH, &hub, &empty, "hub" });
	CHECK_STR_EQ(line, "  1-1      slot 1   high  0409:55aa hub           hub");
	usb_format_dev_line(line, sizeof(line), 8,
			    &(struct usb_dev_summary){ "1-2", 3, USB_SPEED_SUPER, &stick,
						       &stick_cfg, "no driver" });
	CHECK_STR_EQ(line, "  1-2      slot 3   super 46f4:0001 mass storage  no driver");
	usb_format_dev_line(line, sizeof(line), 8,
			    &(struct usb_dev_summary){ "1-1.4", 4, USB_SPEED_LOW, &stick,
						       &mouse_cfg, "no driver" });
	CHECK_STR_EQ(line, "  1-1.4    slot 4   low   46f4:0001 HID           no driver");
	usb_format_dev_line(line, sizeof(line), 8,
			    &(struct usb_dev_summary){ "1-7", 0, USB_SPEED_FULL, &none, &empty,
						       "enumerating" });
	CHECK_STR_EQ(line, "  1-7      slot 0   full  0000:0000 -             enumerating");

	/* the longest name (usb_internal.h) sets the column: both lines' "slot" line up */
	usb_format_dev_line(a, sizeof(a), 20,
			    &(struct usb_dev_summary){ "255-5.15.15.15.15.15", 5, USB_SPEED_HIGH,
						       &kbd, &kbd_cfg, "keyboard" });
	usb_format_dev_line(
		b, sizeof(b), 20,
		&(struct usb_dev_summary){ "1-5", 2, USB_SPEED_HIGH, &kbd, &kbd_cfg, "keyboard" });
	CHECK_STR_EQ(a, "  255-5.15.15.15.15.15 slot 5   high  0627:0001 HID keyboard  keyboard");
	CHECK(strstr(a, " slot ") - a == strstr(b, " slot ") - b);

	CHECK(usb_format_dev_line(line, 12, 8,
				  &(struct usb_dev_summary){ "1-5", 2, USB_SPEED_HIGH, &kbd,
							     &kbd_cfg, "keyboard" }) > 11);
	CHECK_STR_EQ(line, "  1-5      ");
}

/* The class column of HID devices (HID 1.11 4.2, 4.3): a boot keyboard "HID keyboard", a
 * boot mouse "HID mouse", a tablet (no boot subclass) and anything else "HID"; a protocol
 * without the boot subclass means nothing ("HID"); the first HID interface decides (a
 * receiver with a keyboard and a mouse interface shows its keyboard), also behind a
 * vendor interface; a device class of HID with its interfaces' protocols; other classes by
 * name. (Keyboards and mice alike showed "HID".) */
static void class_labels(void)
{
	static const struct usb_device_desc per_iface = { .vendor = 0x0627, .product = 0x0001 };
	static const struct usb_device_desc hid_dev = { .dev_class = USB_CLASS_HID, .vendor = 1 };
	struct usb_config_info c;

	memset(&c, 0, sizeof(c));
	c.n_ifaces = 1;
	c.iface[0] = (struct usb_iface_info){ .cls = USB_CLASS_HID, .subclass = 1, .protocol = 1 };
	CHECK_STR_EQ(usb_dev_class_label(&per_iface, &c), "HID keyboard");
	c.iface[0].protocol = 2;
	CHECK_STR_EQ(usb_dev_class_label(&per_iface, &c), "HID mouse");
	c.iface[0].protocol = 0; /* boot interface, no protocol */
	CHECK_STR_EQ(usb_dev_class_label(&per_iface, &c), "HID");
	c.iface[0].protocol = 7; /* reserved */
	CHECK_STR_EQ(usb_dev_class_label(&per_iface, &c), "HID");
	c.iface[0].subclass = 0; /* a tablet: no boot interface */
	CHECK_STR_EQ(usb_dev_class_label(&per_iface, &c), "HID");
	c.iface[0].protocol = 1; /* keyboard protocol without the boot subclass */
	CHECK_STR_EQ(usb_dev_class_label(&per_iface, &c), "HID");

	/* a receiver: keyboard then mouse interface; then the other way round */
	c.n_ifaces = 2;
	c.iface[0] = (struct usb_iface_info){ .cls = USB_CLASS_HID, .subclass = 1, .protocol = 1 };
	c.iface[1] = (struct usb_iface_info){ .cls = USB_CLASS_HID, .subclass = 1, .protocol = 2 };
	CHECK_STR_EQ(usb_dev_class_label(&per_iface, &c), "HID keyboard");
	c.iface[0].protocol = 2;
	c.iface[1].protocol = 1;
	CHECK_STR_EQ(usb_dev_class_label(&per_iface, &c), "HID mouse");
	/* the device says HID, its first interface is a vendor one, its second a boot mouse */
	c.iface[0] = (struct usb_iface_info){ .cls = 0xff };
	c.iface[1] = (struct usb_iface_info){ .cls = USB_CLASS_HID, .subclass = 1, .protocol = 2 };
	CHECK_STR_EQ(usb_dev_class_label(&hid_dev, &c), "HID mouse");
	/* a HID device whose configuration is not read yet */
	c.n_ifaces = 0;
	CHECK_STR_EQ(usb_dev_class_label(&hid_dev, &c), "HID");
	/* a per-interface device whose first interface is vendor: not HID */
	c.n_ifaces = 2;
	CHECK_STR_EQ(usb_dev_class_label(&per_iface, &c), "vendor");
}

/* The speed and class names the `usb` listing shows, including the fallbacks. */
static void speed_and_class_names(void)
{
	static const struct {
		uint8_t cls;
		const char *name;
	} classes[] = {
		{ 0x00, "per-interface" }, { 0x01, "audio" },    { 0x02, "comm" },
		{ 0x03, "HID" },           { 0x07, "printer" },  { 0x08, "mass storage" },
		{ 0x09, "hub" },           { 0x0a, "CDC data" }, { 0x0e, "video" },
		{ 0xe0, "wireless" },      { 0xef, "misc" },     { 0xff, "vendor" },
		{ 0x05, "other" },         { 0xdc, "other" },
	};

	CHECK_STR_EQ(usb_speed_name(USB_SPEED_LOW), "low");
	CHECK_STR_EQ(usb_speed_name(USB_SPEED_FULL), "full");
	CHECK_STR_EQ(usb_speed_name(USB_SPEED_HIGH), "high");
	CHECK_STR_EQ(usb_speed_name(USB_SPEED_SUPER), "super");
	CHECK_STR_EQ(usb_speed_name((enum usb_speed)0), "?");
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		CHECK_STR_EQ(usb_class_name(classes[i].cls), classes[i].name);
}

int main(void)
{
	RUN(listing_lines);
	RUN(class_labels);
	RUN(speed_and_class_names);
	return unit_summary();
}
