/* SPDX-License-Identifier: MIT */
/*
 * What test_usb_hid_probe.c and test_usb_hid_probe_alone.c share: a HID interface without
 * the boot protocol probed for keys on the simulated controller and devices of
 * ep0_harness.h. Slot 1's device records every request it gets (with how many Configure
 * Endpoint commands had run by then), can answer GET_DESCRIPTOR(report) otherwise than
 * ep0_harness.h's knobs say (lost on the wire, never answered, a descriptor per
 * interface); the helpers plug it, and check the order of a keyboard's requests, its LED
 * reports, and a device left alone. A tablet's report descriptor, and a configuration with
 * a tablet's interface before a keyboard's, serve both. Include it from one file per test
 * program, after nothing else (it includes ep0_harness.h).
 */
#ifndef LIOS_TEST_HID_PROBE_HARNESS_H
#define LIOS_TEST_HID_PROBE_HARNESS_H

#include <lios/compiler.h>
#include "ep0_harness.h"

/* A tablet (an absolute pointer, as QEMU's usb-tablet): three buttons, X and Y of 16 bits
 * each from 0 to 32767, no key. */
/* clang-format off */
static const uint8_t tablet_desc[] __unused = {
	MOUSE_DESC_BUTTONS,
	0x05, 0x01, 0x09, 0x30, 0x09, 0x31,             /* X, Y */
	0x15, 0x00, 0x26, 0xff, 0x7f, 0x75, 0x10,       /* 0..32767, 16 bits */
	0x95, 0x02, 0x81, 0x02,                         /* 2 of them, Input (Data, Absolute) */
	0xc0, 0xc0,                                     /* End Collection x 2 */
};
/* clang-format on */

/* A tablet's HID interface (0, endpoint 0x81, its HID descriptor naming tablet_desc) before
 * a keyboard's HID interface without the boot subclass (1, endpoint 0x82, the boot layout's
 * 63 bytes): each answers GET_DESCRIPTOR(report) with its own (per_iface_desc). */
static const uint8_t tablet_then_kbd_config[] __unused = {
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
static inline enum sim_answer recording_device(struct xhci_sim *s, unsigned int slot,
					       const struct sim_setup *su, uint8_t *data,
					       size_t *len)
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
static inline int asked_index(uint8_t type, uint8_t req)
{
	for (unsigned int i = 0; i < n_asked && i < ARRAY_SIZE(asked); i++)
		if (asked[i].setup.type == type && asked[i].setup.req == req)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------------ helpers */
/* start(), every lock key off (usb_kbd.c's LED state outlives a case), requests recorded. */
static inline void start_probe(void)
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
static inline void use_hid_config(uint8_t subclass, uint8_t protocol, uint16_t report_len)
{
	uint8_t *config = use_kbd_config(report_len, 8);

	config[CFG_SUBCLASS] = subclass;
	config[CFG_PROTOCOL] = protocol;
}

/* Slot 1 answers GET_DESCRIPTOR(report) with desc (len bytes). */
static inline void use_report_desc(const uint8_t *desc, size_t len)
{
	dev[1].report_desc = desc;
	dev[1].report_desc_len = len;
}

/* A device on port 5 (slot 1), ticked until the log holds line or 5000 ticks passed. */
static inline struct usb_dev *plug_until(const char *line)
{
	struct usb_dev *d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);

	for (int i = 0; i < 5000 && !sim_logged(line); i++)
		ticks(1);
	CHECK(sim_logged(line));
	return d;
}

/* d is still in the device list (not refused and freed): the case may go on with it. Else
 * the failure is counted and everything cleaned up, and the case must end. */
static inline bool still_listed(const struct usb_dev *d)
{
	bool listed = usb_dev_list() == d && d && !d->failed;

	CHECK(listed);
	if (!listed)
		cleanup();
	return listed;
}

/* The last LED report (SET_REPORT's data stage) was wValue value to interface iface with
 * data[0..n-1]. */
static inline void check_led_report(uint16_t value, uint16_t iface, const uint8_t *data, size_t n)
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
static inline void check_probe_order(uint16_t iface, uint16_t len)
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
static inline void check_left_alone(struct usb_dev *d, const char *label)
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

#endif
