// SPDX-License-Identifier: MIT
/*
 * Hubs, hot-plug behind them, and the interrupt IN endpoints of hubs and keyboards
 * (src/drivers/usb/usb_hub.c, usb_enum.c, usb_kbd.c over xhci_ring.c and xhci_port.c) on
 * the simulated controller of xhci_sim.c, with a tree of simulated USB 2 hubs and boot
 * keyboards built here (USB 2.0 11.24.2.6-7: port status and change bits, hub status).
 * Checked:
 * - the slot contexts of a hub (Hub, Number of Ports, TT Think Time) and of full- and
 *   low-speed devices behind a high-speed hub (TT Hub Slot ID, TT Port Number);
 * - an interrupt endpoint that halts (transaction error, babble, STALL) is reset and polled
 *   again, keys released, the interrupted request's outcome kept; a Missed Service Error
 *   only costs that transfer; endless errors refuse the device;
 * - a hub unplugged with a keyboard behind it holding keys, or waiting for a command, and a
 *   keyboard unplugged from a hub port and plugged back: every slot disabled, every
 *   allocation given back, no key held;
 * - five hubs in a chain (USB 2.0 4.1.1), a keyboard behind the fifth using all five
 *   nibbles of the route string, a sixth hub refused;
 * - a connection that bounces during the 100 ms debounce restarts it (USB 2.0 7.1.7.3);
 * - a port the hub disabled (C_PORT_ENABLE) with its device still there is enumerated
 *   again;
 * - a hub's own status change (bit 0 of the bitmap) is read and acknowledged, and its ports
 *   are powered again after a hub over-current.
 */
#include <lios/kmalloc.h>
#include <stdlib.h>
#include <string.h>
#include "../../unit.h"
#include "stack_drive.h"
#include "xhci_sim.h"

extern uint64_t host_time_skip_ns; /* src/arch/host/time_host.c */
extern uint64_t time_ns(void);

/* ------------------------------------------------------------------ the rest of the kernel */
void *heap_calloc(size_t n, size_t size) { return calloc(n, size); }
void heap_free(void *p) { free(p); }
uint64_t usb_now_us(void) { return time_ns() / 1000; }
static unsigned int presses; /* key presses (and repeats) the keyboards reported */
static bool down[KEY_MAX];   /* keys held down, as the keyboard layer sees them */
void kbd_report_key(uint16_t key, bool pressed)
{
	if (pressed)
		presses++;
	if (key < KEY_MAX)
		down[key] = pressed;
}

/* Keys held down now. */
static unsigned int held(void)
{
	unsigned int n = 0;

	for (unsigned int k = 0; k < KEY_MAX; k++)
		n += down[k];
	return n;
}
static void (*led_listener)(uint8_t leds); /* usb_kbd.c's */
void kbd_set_led_listener(void (*fn)(uint8_t leds)) { led_listener = fn; }
uint8_t kbd_leds(void) { return 0; }

/* ------------------------------------------------------------------ the simulated tree */
#define C_CONNECTION (1u << 0) /* wPortStatus / wPortChange bits */
#define PS_ENABLE (1u << 1)
#define PS_RESET (1u << 4)
#define PS_POWER (1u << 8)
#define PS_LOW_SPEED (1u << 9)
#define PS_HIGH_SPEED (1u << 10)
#define HUB_LOCAL_POWER (1u << 0) /* wHubStatus / wHubChange bits */
#define HUB_OVER_CURRENT (1u << 1)
#define MAX_NODES 10
#define ROOT_PORT 5

enum { N_NONE, N_HUB, N_KBD };

struct node {
	int kind;
	unsigned int speed;
	int parent; /* node index of its hub, -1 on root port ROOT_PORT */
	unsigned int port;
	bool plugged;
	/* a hub's */
	unsigned int nports;
	uint16_t characteristics;
	uint16_t status[8], change[8];
	uint16_t hub_status, hub_change;
	unsigned int power_requests[8], reset_requests[8];
	uint64_t reset_ns[8]; /* when the last PORT_RESET came */
	unsigned int hub_status_reads;
	/* anyone's */
	unsigned int clear_halts; /* CLEAR_FEATURE(ENDPOINT_HALT) on 0x81 */
	bool stall_leds;          /* a keyboard that stalls SET_REPORT (HID 1.11 allows it) */
	unsigned int led_reports;
};
static struct node node[MAX_NODES];
static int nodes;

/* clang-format off */
static const uint8_t hub_device_desc[18] = {18, USB_DT_DEVICE, 0x00, 0x02, USB_CLASS_HUB, 0, 1, 64,
					    0x09, 0x04, 0x01, 0x00, 0, 0, 0, 0, 0, 1};
static const uint8_t hub_config_desc[25] = {
	9, USB_DT_CONFIG, 25, 0, 1, 1, 0, 0xe0, 0,
	9, USB_DT_INTERFACE, 0, 0, 1, USB_CLASS_HUB, 0, 0, 0,
	7, USB_DT_ENDPOINT, 0x81, USB_EP_XFER_INT, 1, 0, 12,
};
/* clang-format on */

static struct xhci_sim sim;
static struct xhci hc;

/* A device of kind and speed on port of hub parent (-1: the root port); not plugged yet. */
static int add_node(int kind, unsigned int speed, int parent, unsigned int port)
{
	int n = nodes++;

	memset(&node[n], 0, sizeof(node[n]));
	node[n].kind = kind;
	node[n].speed = speed;
	node[n].parent = parent;
	node[n].port = port;
	node[n].nports = 4;
	return n;
}

static uint16_t speed_bits(unsigned int speed)
{
	return speed == USB_SPEED_LOW ? PS_LOW_SPEED : speed == USB_SPEED_HIGH ? PS_HIGH_SPEED : 0;
}

/* The node on port p of hub h (-1: the root port), or -1. */
static int child_of(int h, unsigned int p)
{
	for (int n = 0; n < nodes; n++)
		if (node[n].parent == h && node[n].port == p && node[n].plugged)
			return n;
	return -1;
}

/* The node a device of the driver's is, from its root port and route string. */
static int node_of(const struct usb_dev *d)
{
	int n = d->root_port == ROOT_PORT ? child_of(-1, ROOT_PORT) : -1;

	for (unsigned int k = 0; n >= 0 && k < d->depth; k++)
		n = child_of(n, (d->route >> (4 * k)) & 0xf);
	return n;
}

/* The driver's live device for node n, or NULL. */
static struct usb_dev *dev_of(int n)
{
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		if (!d->gone && !d->failed && d->slot && node_of(d) == n)
			return d;
	return NULL;
}

/* Node n is plugged in (connected at once when its port has power) or pulled out. */
static void plug(int n, bool in)
{
	struct node *h = node[n].parent >= 0 ? &node[node[n].parent] : NULL;
	unsigned int p = node[n].port;

	node[n].plugged = in;
	if (!h) {
		if (in)
			sim_connect(&sim, ROOT_PORT, node[n].speed);
		else
			sim.reg[(SIM_OP + XHCI_PORTSC(ROOT_PORT)) / 4] =
				XHCI_PORTSC_PP | XHCI_PORTSC_CSC;
		return;
	}
	if (!(h->status[p] & PS_POWER))
		return;
	h->status[p] = in ? (uint16_t)(PS_POWER | C_CONNECTION | speed_bits(node[n].speed))
			  : (uint16_t)PS_POWER;
	h->change[p] |= C_CONNECTION;
}

static enum sim_answer hub_request(struct node *h, const struct sim_setup *su, uint8_t *data,
				   size_t *len)
{
	unsigned int p = su->index & 0xff;
	int c;

	if (su->type == 0x80 && su->req == 0x06 && (su->value >> 8) == USB_DT_DEVICE) {
		memcpy(data, hub_device_desc, *len = sizeof(hub_device_desc));
		if (h->speed != USB_SPEED_HIGH)
			data[6] = 0; /* bDeviceProtocol: no TT */
	} else if (su->type == 0x80 && su->req == 0x06 && (su->value >> 8) == USB_DT_CONFIG) {
		memcpy(data, hub_config_desc, *len = sizeof(hub_config_desc));
	} else if (su->type == 0xa0 && su->req == 0x06) { /* hub descriptor */
		uint8_t desc[9] = { 9,
				    USB_DT_HUB,
				    (uint8_t)h->nports,
				    (uint8_t)h->characteristics,
				    (uint8_t)(h->characteristics >> 8),
				    10,
				    0,
				    0,
				    0xff };

		memcpy(data, desc, *len = sizeof(desc));
	} else if (su->type == 0xa0 && su->req == 0x00) { /* GET_STATUS(hub) */
		h->hub_status_reads++;
		memcpy(data, &h->hub_status, 2);
		memcpy(data + 2, &h->hub_change, 2);
		*len = 4;
	} else if (su->type == 0x20 && su->req == 0x01 && su->value <= 1) {
		h->hub_change &=
			(uint16_t) ~(1u << su->value); /* C_HUB_LOCAL_POWER, _OVER_CURRENT */
	} else if (su->type == 0x02 && su->req == 0x01 && su->value == 0 && su->index == 0x81) {
		h->clear_halts++;
	} else if ((su->type & 0x1f) != 3) {
		return su->type & 0x60 ? SIM_STALL
				       : SIM_ANSWER; /* standard device requests: fine */
	} else if (p < 1 || p > h->nports) {
		return SIM_STALL;
	} else if (su->type == 0xa3 && su->req == 0x00) { /* GET_STATUS(port) */
		memcpy(data, &h->status[p], 2);
		memcpy(data + 2, &h->change[p], 2);
		*len = 4;
	} else if (su->type == 0x23 && su->req == 0x03 && su->value == 8) { /* PORT_POWER */
		h->power_requests[p]++;
		h->status[p] |= PS_POWER;
		c = child_of((int)(h - node), p);
		if (c >= 0 && !(h->status[p] & C_CONNECTION)) {
			h->status[p] |= C_CONNECTION | speed_bits(node[c].speed);
			h->change[p] |= C_CONNECTION;
		}
	} else if (su->type == 0x23 && su->req == 0x03 && su->value == 4) { /* PORT_RESET */
		h->reset_requests[p]++;
		h->reset_ns[p] = time_ns();
		if (h->status[p] & C_CONNECTION) {
			h->status[p] |= PS_ENABLE;
			h->change[p] |= PS_RESET; /* C_PORT_RESET */
		}
	} else if (su->type == 0x23 && su->req == 0x01 && su->value >= 16 && su->value <= 20) {
		h->change[p] &= (uint16_t) ~(1u << (su->value - 16));
	}
	return SIM_ANSWER;
}

static enum sim_answer device(struct xhci_sim *s, unsigned int slot, const struct sim_setup *su,
			      uint8_t *data, size_t *len)
{
	int n = hc.slot_dev[slot] ? node_of(hc.slot_dev[slot]) : -1;

	(void)s;
	if (n < 0)
		return SIM_SILENT; /* unplugged: nobody answers */
	if (node[n].kind == N_HUB)
		return hub_request(&node[n], su, data, len);
	if (su->type == 0x80 && su->req == 0x06) {
		if ((su->value >> 8) == USB_DT_DEVICE) {
			memcpy(data, sim_kbd_device_desc, *len = sizeof(sim_kbd_device_desc));
			if (node[n].speed == USB_SPEED_LOW)
				data[7] = 8; /* bMaxPacketSize0: 8 is all low speed has */
		} else if ((su->value >> 8) == USB_DT_CONFIG)
			memcpy(data, sim_kbd_config_desc, *len = sizeof(sim_kbd_config_desc));
		else
			return SIM_STALL;
	} else if (su->type == 0x02 && su->req == 0x01 && su->value == 0 && su->index == 0x81) {
		node[n].clear_halts++;
	} else if (su->type == 0x21 && su->req == 0x09) {
		node[n].led_reports++;
		if (node[n].stall_leds)
			return SIM_STALL;
	}
	return SIM_ANSWER;
}

/* ------------------------------------------------------------------ driving it */
static long dma_before;

/* A fresh controller and an empty tree. */
static void start(void)
{
	char why[80];

	memset(&sim, 0, sizeof(sim));
	memset(node, 0, sizeof(node));
	nodes = 0;
	presses = 0;
	memset(down, 0, sizeof(down));
	sim_dma_reset();
	sim.device = device;
	CHECK_EQ(sim_start(&sim, &hc, why, sizeof(why)), 0);
	xhci_ports_start(&hc);
	dma_before = sim_dma_live();
	sim_log_clear();
	host_time_skip_ns = 200000;
}

/* Everything unplugged through the driver (Disable Slot for each), then nothing left: no
 * device, no slot enabled, no allocation but the controller's, no key held. */
static void finish(void)
{
	int root = child_of(-1, ROOT_PORT);

	if (root >= 0) {
		plug(root, false);
		for (int i = 0; i < 2000 && usb_dev_list(); i++)
			stack_tick(&hc);
	}
	CHECK(usb_dev_list() == NULL);
	for (unsigned int s = 1; s <= SIM_SLOTS; s++)
		CHECK(!sim.slot_on[s]);
	CHECK_EQ(sim_dma_live(), dma_before);
	CHECK_EQ(held(), 0u);
	hc.dead = true;
	xhci_free_memory(&hc);
	free(hc.slot_dev);
	host_time_skip_ns = 0;
}

/* The status change bitmap of hub node n from its interrupt endpoint, taken: bit p for a
 * port with a change, bit 0 for the hub's own. */
static void hub_notify(int n)
{
	struct usb_dev *d = dev_of(n);
	uint8_t map = node[n].hub_change ? 1 : 0;
	unsigned int i;

	CHECK(d != NULL && d->hub != NULL && d->intr_deq != d->intr.enq);
	if (!d || d->intr_deq == d->intr.enq)
		return;
	for (unsigned int p = 1; p <= node[n].nports; p++)
		if (node[n].change[p])
			map |= (uint8_t)(1u << p);
	i = d->intr_deq;
	d->intr_buf[i * XHCI_INTR_BUF_SIZE] = map;
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys + i * 16, XHCI_CC_SUCCESS, 0);
	stack_tick(&hc);
}

/* One 8-byte boot report from keyboard d, taken. */
static void key_report(struct usb_dev *d, const uint8_t r[8])
{
	unsigned int i = d->intr_deq;

	memcpy(d->intr_buf + i * XHCI_INTR_BUF_SIZE, r, 8);
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys + i * 16, XHCI_CC_SUCCESS, 0);
	stack_tick(&hc);
}

static const uint8_t press_a[8] = { 0, 0, 0x04 };
static const uint8_t press_b[8] = { 0, 0, 0x05 };

/* A high-speed hub on the root port with a keyboard of speed on port p, both ready. */
static int hub_and_keyboard(unsigned int speed, unsigned int p, int *kbd)
{
	int h = add_node(N_HUB, USB_SPEED_HIGH, -1, ROOT_PORT);

	*kbd = add_node(N_KBD, speed, h, p);
	node[*kbd].plugged = true;
	plug(h, true);
	CHECK(stack_until(&hc, "hub with 4 ports ready", 5000));
	return h;
}

/* ------------------------------------------------------------------ the cases */

/* Five hubs in a chain (the most USB 2.0 4.1.1 allows) and a keyboard on port 3 of the
 * last: it gets ready, its route string 0x31111 (a nibble per hub); a sixth hub in the
 * chain is refused. (The fifth hub was refused as "nested deeper than 4 levels".) */
static void five_hubs_deep(void)
{
	int prev = -1, kbd;

	start();
	for (int i = 0; i < 5; i++) {
		prev = add_node(N_HUB, USB_SPEED_HIGH, prev, prev < 0 ? ROOT_PORT : 1);
		node[prev].plugged = true;
	}
	kbd = add_node(N_KBD, USB_SPEED_HIGH, prev, 3);
	node[kbd].plugged = true;
	plug(child_of(-1, ROOT_PORT), true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1.1.1.1.3 0627:0001 ready", 50000));
	CHECK(dev_of(kbd) != NULL && dev_of(kbd)->route == 0x31111u && dev_of(kbd)->depth == 5);
	CHECK_EQ(sim.addr_slot[0] & 0xfffffu,
		 0x31111u); /* what Address Device gave the controller */
	CHECK(!sim_logged("refused"));

	/* a sixth hub on port 2 of the fifth */
	sim_log_clear();
	plug(add_node(N_HUB, USB_SPEED_HIGH, prev, 2), true);
	hub_notify(prev);
	CHECK(stack_until(&hc,
			  "usb: 1-5.1.1.1.1.2 0409:0001: refused: more than five hubs in a chain",
			  5000));
	finish();
}

/* The slot contexts the controller schedules split transactions by (xHCI 6.2.2): the
 * high-speed hub's (Hub, Number of Ports, TT Think Time from wHubCharacteristics bits 6:5,
 * no MTT), a full-speed keyboard's on its port 2 (TT Hub Slot ID the hub's, TT Port 2), and
 * a low-speed keyboard's behind a full-speed hub on port 3 (the TT is still the high-speed
 * hub's, port 3). */
static void transaction_translator_fields(void)
{
	int h, fs, fsh, ls;
	struct usb_dev *hd;

	start();
	h = add_node(N_HUB, USB_SPEED_HIGH, -1, ROOT_PORT);
	node[h].characteristics = 0x0049; /* per-port power, TT think time 2 (24 FS bit times) */
	plug(h, true);
	CHECK(stack_until(&hc, "usb: 1-5: hub with 4 ports ready", 5000));
	hd = dev_of(h);
	CHECK(hd != NULL);
	CHECK(sim.cfg_slot[0] & XHCI_SLOT_HUB);
	CHECK(!(sim.cfg_slot[0] & XHCI_SLOT_MTT));
	CHECK_EQ(sim.cfg_slot[1] >> 24, 4u);        /* Number of Ports */
	CHECK_EQ((sim.cfg_slot[2] >> 16) & 3u, 2u); /* TT Think Time */
	CHECK_EQ(sim.cfg_slot[2] & 0xffffu, 0u);    /* no TT of its own above it */

	fs = add_node(N_KBD, USB_SPEED_FULL, h, 2);
	plug(fs, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	CHECK(dev_of(fs) && dev_of(fs)->tt_slot == hd->slot && dev_of(fs)->tt_port == 2);

	fsh = add_node(N_HUB, USB_SPEED_FULL, h, 3);
	ls = add_node(N_KBD, USB_SPEED_LOW, fsh, 1);
	node[ls].plugged = true;
	plug(fsh, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.3.1 0627:0001 ready", 10000));
	CHECK_EQ((sim.addr_slot[0] >> 20) & 0xfu, (unsigned int)USB_SPEED_LOW);
	CHECK_EQ(sim.addr_slot[0] & 0xfffffu, 0x13u);
	CHECK_EQ((sim.addr_slot[1] >> 16) & 0xffu, (unsigned int)ROOT_PORT);
	CHECK_EQ(sim.addr_slot[2] & 0xffu, hd->slot);  /* TT Hub Slot ID: the high-speed hub */
	CHECK_EQ((sim.addr_slot[2] >> 8) & 0xffu, 3u); /* TT Port Number: where the FS hub is */
	CHECK(!sim_logged("refused"));
	finish();
}

/* A keyboard whose connection bounces 50 ms into the debounce (a disconnect and connect
 * between two reads: C_PORT_CONNECTION set again): the port is reset only once it has been
 * stable 100 ms since (it was reset 100 ms after the first connect, 50 ms after the bounce). */
static void debounce_restarts_on_bounce(void)
{
	int h, k;
	uint64_t bounced;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 2, &k);
	node[k].plugged = false;
	plug(k, true);
	hub_notify(h);
	stack_ticks_ms(&hc, 50);
	CHECK_EQ(node[h].reset_requests[2], 0u);
	node[h].change[2] |= C_CONNECTION; /* gone and back between two reads */
	bounced = time_ns();
	hub_notify(h);
	for (int i = 0; i < 5000 && !node[h].reset_requests[2]; i++)
		stack_tick(&hc);
	CHECK_EQ(node[h].reset_requests[2], 1u);
	CHECK(node[h].reset_ns[2] - bounced >= 100000000u);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	finish();
}

/* The hub disables the keyboard's port (a port error: PORT_ENABLE clear, C_PORT_ENABLE set)
 * while the keyboard stays connected: it is removed and enumerated again (it stayed on a
 * dead port, unreachable, until unplugged). */
static void port_disabled_by_hub_enumerates_again(void)
{
	int h, k;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	sim_log_clear();
	node[h].status[1] &= (uint16_t)~PS_ENABLE;
	node[h].change[1] |= PS_ENABLE; /* C_PORT_ENABLE */
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 removed", 200));
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	CHECK_EQ(node[h].reset_requests[1], 2u);
	CHECK_EQ(node[h].change[1], 0);
	finish();
}

/* The hub's own status changes (bit 0 of the bitmap: C_HUB_LOCAL_POWER, C_HUB_OVER_CURRENT)
 * are read with GET_STATUS(hub) and acknowledged, an over-current named (they were never
 * cleared: the hub would report bit 0 on every poll for ever). */
static void hub_status_change_acknowledged(void)
{
	int h, k;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	node[h].hub_change = HUB_LOCAL_POWER;
	hub_notify(h);
	stack_ticks_ms(&hc, 20);
	CHECK_EQ(node[h].hub_status_reads, 1u);
	CHECK_EQ(node[h].hub_change, 0);
	node[h].hub_status = HUB_OVER_CURRENT;
	node[h].hub_change = HUB_OVER_CURRENT;
	hub_notify(h);
	CHECK(stack_until(&hc, "usb: 1-5: hub over-current", 100));
	CHECK_EQ(node[h].hub_change, 0);
	node[h].hub_status = 0;
	node[h].hub_change = HUB_OVER_CURRENT;
	hub_notify(h);
	CHECK(stack_until(&hc, "usb: 1-5: hub over-current ended", 100));
	CHECK_EQ(node[h].hub_change, 0);
	stack_ticks_ms(&hc, 150); /* the hub's power-on time */
	for (unsigned int p = 1; p <= 4; p++)
		CHECK_EQ(node[h].power_requests[p], 2u);
	CHECK(dev_of(k) != NULL);
	finish();
}

/* A keyboard holding 'a' whose interrupt endpoint halts with code cc: 'a' is released, the
 * endpoint reset (Reset Endpoint, Set TR Dequeue Pointer to the ring's enqueue point,
 * CLEAR_FEATURE(ENDPOINT_HALT) to the device), transfers queued afresh, and the next
 * report types (the keyboard was refused: dead until unplugged). */
static void keyboard_endpoint_halt(uint32_t cc)
{
	int h, k;
	struct usb_dev *d;
	uint64_t enq;
	unsigned int slot;

	start();
	h = hub_and_keyboard(USB_SPEED_FULL, 1, &k);
	(void)h;
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	d = dev_of(k);
	key_report(d, press_a);
	CHECK_EQ(held(), 1u);
	sim_log_clear();
	enq = d->intr.phys + d->intr.enq * 16;
	slot = d->slot;
	sim_intr_halt(&sim, slot, d->intr_dci, d->intr.phys + d->intr_deq * 16, cc);
	CHECK(stack_until(&hc, "usb: 1-5.1: interrupt endpoint reset", 100));
	CHECK_EQ(held(), 0u);
	CHECK_EQ(sim.intr_resets[slot], 1u);
	CHECK_EQ(sim.intr_set_deq[slot] & ~0xfull, enq);
	CHECK_EQ(node[k].clear_halts, 1u);
	CHECK(dev_of(k) == d);
	if (dev_of(k) != d) { /* refused, maybe freed */
		finish();
		return;
	}
	CHECK_EQ(d->intr.enq - d->intr_deq, (unsigned int)XHCI_INTR_QUEUED);
	key_report(d, press_b);
	CHECK_EQ(held(), 1u);
	key_report(d, (const uint8_t[8]){ 0 });
	CHECK_EQ(held(), 0u);
	CHECK(!sim_logged("refused"));
	finish();
}
static void keyboard_transaction_error(void) { keyboard_endpoint_halt(XHCI_CC_USB_TRANSACTION); }
static void keyboard_babble(void) { keyboard_endpoint_halt(XHCI_CC_BABBLE); }
static void keyboard_stall(void) { keyboard_endpoint_halt(XHCI_CC_STALL); }
static void keyboard_split_error(void) { keyboard_endpoint_halt(XHCI_CC_SPLIT_TRANSACTION); }

/* The hub's status change endpoint halts while its GET_STATUS(port) is in flight: the
 * endpoint is reset, the status read still counts (the keyboard plugged there becomes
 * ready) and the hub keeps its keyboard on port 1. */
static void hub_endpoint_halt_during_request(void)
{
	int h, k, k2;
	struct usb_dev *d;
	bool halted = false;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	d = dev_of(h);
	k2 = add_node(N_KBD, USB_SPEED_HIGH, h, 4);
	plug(k2, true);
	hub_notify(h);
	for (int i = 0; i < 100 && !halted; i++) {
		if (d->busy && d->op && !strcmp(d->op, "GET_STATUS(port)")) {
			sim_intr_halt(&sim, d->slot, d->intr_dci, d->intr.phys + d->intr_deq * 16,
				      XHCI_CC_USB_TRANSACTION);
			halted = true;
		}
		stack_tick(&hc);
	}
	CHECK(halted);
	CHECK(stack_until(&hc, "usb: 1-5: interrupt endpoint reset", 100));
	CHECK(stack_until(&hc, "kbd: usb 1-5.4 0627:0001 ready", 5000));
	CHECK(dev_of(k) != NULL && dev_of(h) == d);
	CHECK(!sim_logged("refused"));
	finish();
}

/* A keyboard that stalls its LED report, whose interrupt endpoint halts while a lock key's
 * LED report is in flight: the endpoint is reset after endpoint 0, and the LED report's
 * STALL still reaches the keyboard's state (it was lost under the reset's own success: the
 * keyboard was sent a report, and halted endpoint 0, at every lock key since). */
static void outcome_kept_across_endpoint_reset(void)
{
	int k;
	struct usb_dev *d;
	unsigned int reports;

	start();
	hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	d = dev_of(k);
	node[k].stall_leds = true;
	reports = node[k].led_reports;
	CHECK(led_listener != NULL);
	if (!led_listener)
		return;
	led_listener(KBD_LED_CAPSLOCK);
	for (int i = 0; i < 10 && node[k].led_reports == reports; i++)
		stack_tick(&hc);
	CHECK_EQ(node[k].led_reports, reports + 1); /* stalled: its event is on the ring */
	sim_intr_halt(&sim, d->slot, d->intr_dci, d->intr.phys + d->intr_deq * 16,
		      XHCI_CC_USB_TRANSACTION);
	CHECK(stack_until(&hc, "usb: 1-5.1: interrupt endpoint reset", 100));
	CHECK(stack_until(&hc, "usb: 1-5.1: LED report not accepted (code 6)", 100));
	led_listener(0);
	stack_ticks_ms(&hc, 20);
	CHECK_EQ(node[k].led_reports, reports + 1); /* none again */
	CHECK(dev_of(k) == d);
	finish();
}

/* A Missed Service Error retires one transfer without data and halts nothing: one more is
 * queued, nothing is reset, the keyboard goes on (it was refused). */
static void missed_service(void)
{
	int k;
	struct usb_dev *d;
	unsigned int enq;

	start();
	hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	d = dev_of(k);
	enq = d->intr.enq;
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys + d->intr_deq * 16,
			  XHCI_CC_MISSED_SERVICE, 0);
	stack_tick(&hc);
	CHECK(!d->failed);
	if (d->failed) { /* refused: freed on the next tick */
		finish();
		return;
	}
	CHECK_EQ(d->intr.enq, enq + 1);
	CHECK_EQ(d->intr.enq - d->intr_deq, (unsigned int)XHCI_INTR_QUEUED);
	CHECK_EQ(sim.intr_resets[d->slot], 0u);
	key_report(d, press_a);
	CHECK_EQ(held(), 1u);
	key_report(d, (const uint8_t[8]){ 0 });
	CHECK(!d->failed);
	finish();
}

/* An endpoint that halts every time, no transfer completing in between: reset eight times,
 * then the keyboard is refused with a line naming it. */
static void endless_errors_refuse(void)
{
	int k;
	struct usb_dev *d;

	start();
	hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	d = dev_of(k);
	for (int i = 0; i < 8; i++) {
		sim_log_clear();
		sim_intr_halt(&sim, d->slot, d->intr_dci, d->intr.phys + d->intr_deq * 16,
			      XHCI_CC_USB_TRANSACTION);
		CHECK(stack_until(&hc, "interrupt endpoint reset", 100));
		if (dev_of(k) != d) { /* refused, maybe freed */
			finish();
			return;
		}
	}
	sim_intr_halt(&sim, d->slot, d->intr_dci, d->intr.phys + d->intr_deq * 16,
		      XHCI_CC_USB_TRANSACTION);
	CHECK(stack_until(
		&hc,
		"usb: 1-5.1 0627:0001: refused: interrupt endpoint keeps failing (completion code 4)",
		100));
	CHECK_EQ(sim.intr_resets[d->slot], 8u);
	finish();
}

/* The hub pulled out while the keyboard behind it holds Shift and 'a': both released, both
 * slots disabled, every allocation given back (under ASan: nothing touched after). Then
 * the same tree plugged in again comes back. */
static void hub_unplugged_with_keyboard_holding_keys(void)
{
	static const uint8_t shift_a[8] = { 0x02, 0, 0x04 };
	int h, k;

	start();
	h = hub_and_keyboard(USB_SPEED_LOW, 3, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.3 0627:0001 ready", 5000));
	key_report(dev_of(k), shift_a);
	CHECK_EQ(held(), 2u);
	stack_ticks_ms(&hc, 600); /* 'a' repeats */
	CHECK(presses > 2u);
	plug(h, false);
	CHECK(stack_until(&hc, "kbd: usb 1-5.3 removed", 100));
	for (int i = 0; i < 200 && usb_dev_list(); i++)
		stack_tick(&hc);
	CHECK(usb_dev_list() == NULL);
	CHECK_EQ(held(), 0u);
	CHECK_EQ(sim.commands[TRB_DISABLE_SLOT], 2u);
	CHECK_EQ(sim_dma_live(), dma_before);
	presses = 0;
	stack_ticks_ms(&hc, 100);
	CHECK_EQ(presses, 0u); /* no repeat of a key nobody holds */
	sim_log_clear();
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.3 0627:0001 ready", 10000));
	finish();
}

/* The hub pulled out while the keyboard behind it waits for its Address Device (the command
 * ring held): the keyboard goes only once the command has completed (the controller writes
 * its context until then), then its slot and the hub's are disabled and everything is given
 * back, nothing touched after it was freed. */
static void hub_unplugged_during_child_command(void)
{
	int h, k;
	struct usb_dev *kd = NULL;
	bool kept;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 2, &k);
	node[k].plugged = false;
	plug(k, true);
	hub_notify(h);
	for (int i = 0; i < 5000 && !kd; i++) {
		stack_tick(&hc);
		for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
			if (d->parent && d->slot && hc.cmd_owner == d)
				kd = d;
		if (kd)
			break;
	}
	CHECK(kd != NULL);
	if (!kd) {
		finish();
		return;
	}
	sim.hold_commands = true; /* its next command waits in the ring */
	while (hc.cmd_owner == kd)
		stack_tick(&hc);
	for (int i = 0; i < 20 && hc.cmd_owner != kd; i++)
		stack_tick(&hc); /* until it asks for Address Device (or Evaluate Context) */
	CHECK(hc.cmd_owner == kd);
	plug(h, false);
	stack_ticks_ms(&hc, 10);
	kept = false;
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		kept |= d == kd;
	CHECK(kept && kd->gone); /* kept while its command is in the ring */
	sim_run_commands(&sim);
	for (int i = 0; i < 200 && usb_dev_list(); i++)
		stack_tick(&hc);
	CHECK(usb_dev_list() == NULL);
	for (unsigned int sl = 1; sl <= SIM_SLOTS; sl++)
		CHECK(!sim.slot_on[sl]);
	CHECK_EQ(sim_dma_live(), dma_before);
	finish();
}

/* A keyboard pulled from hub port 2 while holding 'a', then plugged back: 'a' released,
 * its slot disabled, and it comes back as a new device on a new slot. */
static void keyboard_replugged_on_hub_port(void)
{
	int h, k;
	uint8_t old_slot;

	start();
	h = hub_and_keyboard(USB_SPEED_FULL, 2, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	old_slot = dev_of(k)->slot;
	key_report(dev_of(k), press_a);
	plug(k, false);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 removed", 100));
	for (int i = 0; i < 50 && sim.slot_on[old_slot]; i++)
		stack_tick(&hc);
	CHECK(!sim.slot_on[old_slot]);
	CHECK_EQ(held(), 0u);
	sim_log_clear();
	plug(k, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	CHECK(dev_of(k) && dev_of(k)->slot != old_slot);
	key_report(dev_of(k), press_b);
	CHECK_EQ(held(), 1u);
	key_report(dev_of(k), (const uint8_t[8]){ 0 });
	finish();
}

int main(void)
{
	sim_log_start();
	RUN(five_hubs_deep);
	RUN(transaction_translator_fields);
	RUN(debounce_restarts_on_bounce);
	RUN(port_disabled_by_hub_enumerates_again);
	RUN(hub_status_change_acknowledged);
	RUN(keyboard_transaction_error);
	RUN(keyboard_babble);
	RUN(keyboard_stall);
	RUN(keyboard_split_error);
	RUN(hub_endpoint_halt_during_request);
	RUN(outcome_kept_across_endpoint_reset);
	RUN(missed_service);
	RUN(endless_errors_refuse);
	RUN(hub_unplugged_with_keyboard_holding_keys);
	RUN(hub_unplugged_during_child_command);
	RUN(keyboard_replugged_on_hub_port);
	return unit_summary();
}
