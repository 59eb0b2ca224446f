/* SPDX-License-Identifier: MIT */
/*
 * What test_usb_ep0.c, test_xhci_cmd.c, test_usb_kbd.c, test_usb_kbd_silent.c,
 * test_usb_kbd_report.c, test_usb_kbd_switch.c, test_usb_kbd_long.c and test_usb_hid_probe.c
 * with test_usb_hid_probe_alone.c (through hid_probe_harness.h) share:
 * devices driven on endpoint 0 (usb_enum.c, usb_kbd.c) over xhci.c and xhci_ring.c on the
 * simulated controller of xhci_sim.c. It holds stand-ins for the rest of the kernel (heap,
 * clock, ports, hubs, the key path, which records the key events in key_event[]), one
 * scripted keyboard per slot (dev[]: which request it stalls or never answers, its
 * configuration and report descriptor), the simulator and controller (sim, hc), and
 * start/ticks/cleanup/ready_keyboard and tick_until_op, with send_report (an interrupt transfer completed
 * with a report) and key_was for the keys it types, the names of the requests and
 * configuration fields the cases check, and the keyboard cases' own: report descriptors
 * written from the sim's keyboard's parts, a configuration of the sim's keyboard with
 * another report descriptor length or max packet (use_kbd_config), the `kbd` listing. The stand-ins are definitions: include this header
 * from one file per test program.
 */
#ifndef LIOS_TEST_EP0_HARNESS_H
#define LIOS_TEST_EP0_HARNESS_H

#include <lios/heap.h>
#include <lios/kbd.h>
#include <lios/usb.h>
#include <stdlib.h>
#include <string.h>
#include "../../unit.h"
#include "xhci_sim.h"

/* The requests the cases name (USB 2.0 9.4, HID 1.11 7.2) and their bmRequestTypes. */
#define GET_DESCRIPTOR 0x06
#define SET_CONFIGURATION 0x09
#define SET_REPORT 0x09
#define SET_IDLE 0x0a
#define SET_PROTOCOL 0x0b
#define DEV_OUT 0x00         /* standard, to the device */
#define IFACE_IN 0x81        /* standard, from an interface: GET_DESCRIPTOR(report) */
#define CLASS_IFACE_OUT 0x21 /* the HID class requests */
#define OUTPUT_REPORT 0x0200 /* SET_REPORT's wValue: report type Output, report ID 0 */

/* Where sim_kbd_config_desc (configuration, interface, HID, endpoint descriptors) keeps the
 * fields a case changes: the interface's subclass and protocol, the HID descriptor's first
 * (type, length) pair, the interrupt IN endpoint's wMaxPacketSize. */
#define CFG_SUBCLASS 15
#define CFG_PROTOCOL 16
#define CFG_REPORT_TYPE 24
#define CFG_REPORT_LEN 25
#define CFG_MAX_PACKET 31

/* Report descriptors the keyboard cases write from sim_kbd_report_desc's parts (xhci_sim.h):
 * a keyboard under report ID 1 (the boot layout behind its ID byte: 9-byte input reports,
 * 2-byte LED reports); three LED bits out (usages 1-3) and five of padding, where the report
 * size is 1 already; a consumer-control report under report ID id, count 16-bit fields of
 * usages 0-0x3ff, in an application collection of its own; a three-button mouse's
 * collections, buttons and padding (HID 1.11 appendix B.2), before its X and Y. */
/* clang-format off */
#define KBD_ID1_DESC                                                                             \
	SIM_KBD_DESC_OPEN, 0x85, 0x01, /* Report ID 1 */                                         \
	SIM_KBD_DESC_MODIFIERS, SIM_KBD_DESC_RESERVED, SIM_KBD_DESC_LEDS, SIM_KBD_DESC_KEYS,     \
	SIM_KBD_DESC_END
#define KBD_DESC_LEDS3                                                                           \
	0x05, 0x08, 0x19, 0x01, 0x29, 0x03, 0x95, 0x03,    /* 3 x 1 bit of LEDs 1-3 */           \
	0x91, 0x02,                                        /* Output (Data, Variable) */         \
	0x95, 0x05, 0x91, 0x01                             /* 5 x 1 bit, Output (Constant) */
#define CONSUMER_DESC(id, count)                                                                 \
	0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01,          /* Consumer, Consumer Control, App. */   \
	0x85, (id),                                  /* Report ID id */                          \
	0x15, 0x00, 0x26, 0xff, 0x03, 0x19, 0x00,    /* 0..0x3ff, usages 0- */                   \
	0x2a, 0xff, 0x03, 0x75, 0x10, 0x95, (count), /* -0x3ff, count x 16 bits */               \
	0x81, 0x00,                                  /* Input (Data, Array) */                   \
	0xc0                                         /* End Collection */
#define MOUSE_DESC_BUTTONS                                                                       \
	0x05, 0x01, 0x09, 0x02, 0xa1, 0x01,             /* Generic Desktop, Mouse, App. */       \
	0x09, 0x01, 0xa1, 0x00,                         /* Pointer, Physical */                  \
	0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00, /* buttons 1-3, 0..1 */                  \
	0x25, 0x01, 0x95, 0x03, 0x75, 0x01, 0x81, 0x02, /* 3 x 1 bit, Input (Data, Variable) */  \
	0x95, 0x01, 0x75, 0x05, 0x81, 0x01              /* 1 x 5 bits, Input (Constant) */
/* clang-format on */

extern uint64_t host_time_skip_ns; /* src/arch/host/time_host.c */
extern uint64_t time_ns(void);

/* ------------------------------------------------------------------ the rest of the stack */
void *heap_calloc(size_t n, size_t size) { return calloc(n, size); }
void heap_free(void *p) { free(p); }
uint64_t usb_now_us(void) { return time_ns() / 1000; }
void xhci_port_changed(struct xhci *hc, unsigned int port) { (void)hc, (void)port; }
void xhci_port_device_failed(struct xhci *hc, unsigned int port) { (void)hc, (void)port; }
/* no port state here to reset the device again: every refusal is final */
unsigned int xhci_port_device_retry(struct xhci *hc, unsigned int port) { return 0; }
void usb_hub_attach(struct usb_dev *d) { (void)d; }
void usb_hub_step(struct usb_dev *d) { (void)d; }
void usb_hub_report(struct usb_dev *d, const uint8_t *data, size_t len)
{
	(void)d, (void)data, (void)len;
}
void usb_hub_free(struct usb_dev *d) { (void)d; }
void usb_hub_child_gone(struct usb_dev *hub, struct usb_dev *child) { (void)hub, (void)child; }
unsigned int usb_hub_child_retry(struct usb_dev *hub, struct usb_dev *child) { return 0; }
void usb_hub_clear_tt(struct usb_dev *d, const struct usb_dev *dev) { (void)d, (void)dev; }
unsigned int usb_hub_port_count(const struct usb_dev *d) { return 0; }
const char *usb_hub_port_state(const struct usb_dev *d, unsigned int p,
			       const struct usb_dev **child)
{
	*child = NULL;
	return "?";
}
/* The key events kbd_report_key got since start(), in order: the first 64 kept, all
 * counted. */
static struct {
	uint16_t key; /* enum kbd_keycode */
	bool pressed;
} key_event[64];
static unsigned int key_events;
void kbd_report_key(uint16_t key, bool pressed)
{
	if (key_events < ARRAY_SIZE(key_event)) {
		key_event[key_events].key = key;
		key_event[key_events].pressed = pressed;
	}
	key_events++;
}
static void (*led_listener)(uint8_t leds); /* usb_kbd.c's, registered by the first keyboard */
void kbd_set_led_listener(void (*fn)(uint8_t leds)) { led_listener = fn; }
uint8_t kbd_leds(void) { return 0; }

/* ------------------------------------------------------------------ simulated devices */
/* per slot: what to do with which request */
static struct {
	uint8_t stall_req;        /* bRequest answered with STALL (0: none) */
	uint8_t stall_type;       /* ... of this bmRequestType */
	bool silent_on_config;    /* never answers GET_DESCRIPTOR(configuration) */
	uint8_t silent_class_req; /* never answers this HID class request (0: none) */
	bool silent_class;        /* never answers any HID class request */
	bool stall_undefined;     /* stalls the undefined HID request of the stall probe (0x3f),
				   * as real keyboards do (answered by default) */
	unsigned int requests, after_stall;
	unsigned int class_req[256]; /* HID class requests (bmRequestType 0x21) seen, by bRequest */
	bool stalled;
	unsigned int report_desc_asked; /* GET_DESCRIPTOR(report) requests seen */
	bool stall_report_desc;         /* stalls them (with stall_req: two stalls in a row) */
	bool silent_report_desc;        /* never answers them */
	const uint8_t *report_desc;     /* its report descriptor (NULL: the boot keyboard's) */
	size_t report_desc_len;
	const uint8_t *config; /* its configuration (NULL: the sim's keyboard's) */
	size_t config_len;
} dev[SIM_SLOTS + 1];

/* The simulator's sim_device_fn: a keyboard that answers, stalls or ignores a request as
 * dev[slot] says, counting what it was asked. */
static inline enum sim_answer device(struct xhci_sim *s, unsigned int slot,
				     const struct sim_setup *su, uint8_t *data, size_t *len)
{
	(void)s;
	dev[slot].requests++;
	if (dev[slot].stalled)
		dev[slot].after_stall++;
	if (su->type == 0x21)
		dev[slot].class_req[su->req]++;
	if (su->type == 0x21 && su->req == 0x3f && dev[slot].stall_undefined)
		return SIM_STALL;
	if (dev[slot].stall_req && su->req == dev[slot].stall_req &&
	    su->type == dev[slot].stall_type) {
		dev[slot].stalled = true;
		return SIM_STALL;
	}
	if (su->type == 0x21 && (dev[slot].silent_class || (dev[slot].silent_class_req &&
							    su->req == dev[slot].silent_class_req)))
		return SIM_SILENT;
	if (su->type == 0x80 && su->req == 0x06) { /* GET_DESCRIPTOR */
		if ((su->value >> 8) == USB_DT_DEVICE) {
			memcpy(data, sim_kbd_device_desc, *len = sizeof(sim_kbd_device_desc));
		} else if ((su->value >> 8) == USB_DT_CONFIG) {
			if (dev[slot].silent_on_config)
				return SIM_SILENT;
			if (dev[slot].config)
				memcpy(data, dev[slot].config, *len = dev[slot].config_len);
			else
				memcpy(data, sim_kbd_config_desc,
				       *len = sizeof(sim_kbd_config_desc));
		} else {
			return SIM_STALL;
		}
	}
	if (su->type == 0x81 && su->req == 0x06 && (su->value >> 8) == USB_DT_HID_REPORT) {
		dev[slot].report_desc_asked++;
		if (dev[slot].stall_report_desc)
			return SIM_STALL;
		if (dev[slot].silent_report_desc)
			return SIM_SILENT;
		if (dev[slot].report_desc)
			memcpy(data, dev[slot].report_desc, *len = dev[slot].report_desc_len);
		else
			memcpy(data, sim_kbd_report_desc, *len = sizeof(sim_kbd_report_desc));
	}
	return SIM_ANSWER;
}

static struct xhci_sim sim;
static struct xhci hc;

/* A running simulated controller (64-byte contexts when csz), every device knob cleared,
 * no key event recorded, the log empty, 50 us per clock read. */
static inline void start(bool csz)
{
	char why[80];

	memset(dev, 0, sizeof(dev));
	key_events = 0;
	memset(&sim, 0, sizeof(sim));
	sim.csz = csz;
	sim.device = device;
	CHECK_EQ(sim_start(&sim, &hc, why, sizeof(why)), 0);
	sim_log_clear();
	host_time_skip_ns = 50000; /* 50 us per clock read: the 2 ms address recovery passes */
}

/* The tick, n times: controller events, then a step of every device. */
static inline void ticks(int n)
{
	for (int i = 0; i < n; i++) {
		struct usb_dev *d, *next;

		xhci_process_events(&hc);
		for (d = usb_dev_list(); d; d = next) {
			next = d->next;
			usb_dev_step(d);
		}
	}
}

/* Every device unplugged and gone within 50 ticks; the slot table freed. */
static inline void cleanup(void)
{
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		usb_dev_unplug(d);
	ticks(50);
	CHECK(usb_dev_list() == NULL);
	free(hc.slot_dev);
}

/* A ready keyboard on slot 1 of port 5, with the device's knobs set by the caller after
 * start() (none: one that answers everything). */
static inline struct usb_dev *ready_keyboard(void)
{
	struct usb_dev *d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);

	ticks(200);
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready in"));
	CHECK(led_listener != NULL);
	return d;
}

/* start(), with every lock key off: the LED state is usb_kbd.c's own (set by the listener
 * the first keyboard registered), so it would carry over from the case before. */
static inline void start_leds_off(void)
{
	start(false);
	if (led_listener)
		led_listener(0);
}

/* ready_keyboard(), or NULL once its failure is counted and the device is cleaned up: a
 * keyboard refused on the way is freed, and the case must end without touching it. */
static inline struct usb_dev *ready_keyboard_or_end(void)
{
	struct usb_dev *d = ready_keyboard();
	bool ready = usb_dev_list() == d && usb_kbd_ready(d);

	CHECK(ready);
	if (ready)
		return d;
	cleanup();
	return NULL;
}

/* The ops of the stall probe's undefined request and of the LED report, as d->op names them. */
#define PROBE_OP "undefined HID request (stall probe)"
#define LEDS_OP "SET_REPORT(LEDs)"

/* Ticks one at a time until d's request op is the one in flight; false if it never is. */
static inline bool tick_until_op(struct usb_dev *d, const char *op)
{
	for (int i = 0; i < 500; i++) {
		ticks(1);
		if (d->busy && d->op && !strcmp(d->op, op))
			return true;
	}
	return false;
}

/* Slot 1's configuration: the sim's keyboard's, its HID descriptor naming a report
 * descriptor of report_len bytes, its interrupt IN endpoint max_packet bytes. Returns it,
 * for a case to change more of it (CFG_*). */
static uint8_t kbd_config[sizeof(sim_kbd_config_desc)];
static inline uint8_t *use_kbd_config(uint16_t report_len, uint16_t max_packet)
{
	memcpy(kbd_config, sim_kbd_config_desc, sizeof(kbd_config));
	kbd_config[CFG_REPORT_LEN] = (uint8_t)report_len;
	kbd_config[CFG_REPORT_LEN + 1] = (uint8_t)(report_len >> 8);
	kbd_config[CFG_MAX_PACKET] = (uint8_t)max_packet;
	kbd_config[CFG_MAX_PACKET + 1] = (uint8_t)(max_packet >> 8);
	dev[1].config = kbd_config;
	dev[1].config_len = sizeof(kbd_config);
	return kbd_config;
}

/* The `kbd` listing holds text (the log cleared first). */
static inline bool listed(const char *text)
{
	sim_log_clear();
	usb_kbd_print();
	return sim_logged(text);
}

/* Bytes the interrupt transfer of TRB i asks for. */
static inline uint32_t trb_len(const struct usb_dev *d, unsigned int i)
{
	return d->intr.trb[i].d[2] & 0x1ffff;
}

/* d's next queued interrupt transfer completes with report r (n bytes, a short packet when
 * its TRB asked for more), then a tick takes it. */
static inline void send_report(struct usb_dev *d, const uint8_t *r, size_t n)
{
	unsigned int i = d->intr_deq;
	uint32_t want;

	CHECK(d->intr.trb != NULL); /* its interrupt endpoint is set up */
	if (!d->intr.trb)
		return;
	want = trb_len(d, i);

	CHECK(i != d->intr.enq); /* a transfer is queued */
	CHECK(n <= want);
	if (i == d->intr.enq || n > want)
		return;
	memcpy(xhci_intr_data(d, i), r, n);
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys + i * sizeof(struct xhci_trb),
			  n < want ? XHCI_CC_SHORT_PACKET : XHCI_CC_SUCCESS, (uint32_t)(want - n));
	ticks(1);
}

/* Key event i (from 0, since start()) was key, pressed or released. */
static inline bool key_was(unsigned int i, uint16_t key, bool pressed)
{
	return i < key_events && i < ARRAY_SIZE(key_event) && key_event[i].key == key &&
	       key_event[i].pressed == pressed;
}

#endif
