// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the USB descriptor parsers (src/drivers/usb/usb_desc.c): the input is
 * what a hostile device answers to GET_DESCRIPTOR. The first byte picks the speed, the rest
 * goes to every parser as an exact-size copy, so ASan sees any read past the end. Accepted
 * output must be sane: counts within their arrays, lengths within what was read, the
 * interface the keyboard/hub finders return an index of the array with an interrupt IN
 * endpoint of a usable size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../src/drivers/usb/usb_desc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "usb_desc output broken: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct usb_config_info c;
	struct usb_device_desc d;
	struct usb_hub_info h;
	const char *why = NULL;
	enum usb_speed speed;
	uint8_t *copy;
	int r;

	if (size < 1)
		return 0;
	speed = (enum usb_speed)(data[0] % 6);
	data++;
	size--;
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);

	r = usb_parse_max_packet0(copy, size, speed, &why);
	if (r < 0 && !why)
		fail("refusal without a reason");
	if (r > 0 && r != 8 && r != 16 && r != 32 && r != 64 && r != 512)
		fail("impossible max packet size");
	usb_parse_device_desc(copy, size, &d, &why);
	r = usb_config_total_length(copy, size, &why);
	if (r >= 0 && (r < 9 || r > USB_CONFIG_MAX_LEN))
		fail("total length out of range");
	why = NULL;
	if (usb_parse_config(copy, size, &c, &why) == 0) {
		if (c.n_ifaces == 0 || c.n_ifaces > USB_MAX_IFACES)
			fail("interface count");
		if (c.total_length > size)
			fail("total length beyond the input");
		r = usb_find_boot_keyboard(&c, &why);
		if (r >= 0 && (r >= c.n_ifaces || !c.iface[r].has_int_in || c.iface[r].int_in.max_packet < 8))
			fail("keyboard interface unusable");
		r = usb_find_hub_iface(&c, &why);
		if (r >= 0 && (r >= c.n_ifaces || !c.iface[r].has_int_in))
			fail("hub interface unusable");
	} else if (!why) {
		fail("refusal without a reason");
	}
	if (usb_parse_hub_desc(copy, size, speed == USB_SPEED_SUPER, &h, &why) == 0 &&
	    (h.num_ports < 1 || h.num_ports > 15))
		fail("hub port count");
	if (usb_xhci_interval(speed, size ? copy[0] : 0) > 15)
		fail("interval");
	free(copy);
	return 0;
}
