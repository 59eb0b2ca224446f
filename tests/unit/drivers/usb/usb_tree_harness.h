/* SPDX-License-Identifier: MIT */
/*
 * The harness of test_usb_hub2-4, test_usb_hub_retry, test_usb_intr and test_xhci_events:
 * the whole USB stack (usb_hub.c, usb_enum.c, usb_intr.c, usb_kbd.c over xhci_ring.c and
 * xhci_port.c) on the
 * simulated controller of xhci_sim.c, with a tree of simulated USB 2 hubs and boot keyboards
 * built here (USB 2.0 11.24.2.6-7: port status and change bits, hub status), the kernel
 * stand-ins they need, and the helpers that plug, report and drive it. Header-only,
 * included once by each test program after unit.h (its checks count per file).
 */
#ifndef USB_TREE_HARNESS_H
#define USB_TREE_HARNESS_H
#include <lios/kmalloc.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "../../unit.h"
#include "stack_drive.h"
#include "xhci_sim.h"

extern uint64_t host_time_skip_ns; /* src/arch/host/time_host.c */
extern uint64_t time_ns(void);

/* ------------------------------------------------------------------ the rest of the kernel */
static unsigned int heap_failures; /* the next heap_calloc calls that return NULL */
void *heap_calloc(size_t n, size_t size)
{
	if (heap_failures) {
		heap_failures--;
		return NULL;
	}
	return calloc(n, size);
}
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
static inline unsigned int held(void)
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
#define PS_OVER_CURRENT (1u << 3) /* and C_PORT_OVER_CURRENT */
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
	unsigned int nports; /* 1-15 */
	uint16_t characteristics;
	uint16_t status[16], change[16];
	uint16_t hub_status, hub_change;
	unsigned int power_requests[16], reset_requests[16];
	uint64_t reset_ns[16]; /* when the last PORT_RESET came */
	unsigned int hub_status_reads;
	unsigned int hub_clears;        /* CLEAR_FEATURE(C_HUB_*) */
	unsigned int status_reads[16];  /* GET_STATUS(port) */
	unsigned int port_disables[16]; /* CLEAR_FEATURE(PORT_ENABLE) */
	/* a hub's faults: how many of the next requests go wrong (UINT_MAX: all of them) */
	unsigned int stuck_resets[16];      /* PORT_RESET that never ends (PORT_RESET stays set) */
	unsigned int unenabled_resets[16];  /* PORT_RESET that ends, the port not enabled */
	unsigned int short_port_status[16]; /* GET_STATUS(port) answering 2 bytes of 4 */
	unsigned int short_hub_status;      /* GET_STATUS(hub) answering 2 bytes of 4 */
	/* requests that fail (as fail_as says: 0 or SIM_STALL a STALL, SIM_XACT_ERROR a
	 * transaction error), counted as above */
	unsigned int failed_port_status[16]; /* GET_STATUS(port) */
	unsigned int failed_resets[16];      /* SET_FEATURE(PORT_RESET): no reset starts */
	unsigned int failed_clears[16];      /* CLEAR_FEATURE(C_PORT_*): the change stays */
	unsigned int failed_power[16];       /* SET_FEATURE(PORT_POWER): the port stays dark */
	unsigned int failed_disables[16];    /* CLEAR_FEATURE(PORT_ENABLE) */
	unsigned int failed_hub_status;      /* GET_STATUS(hub) */
	unsigned int failed_hub_clears;      /* CLEAR_FEATURE(C_HUB_*): the change stays */
	unsigned int failed_hub_desc;        /* GET_DESCRIPTOR(hub) */
	unsigned int failed_tt_clears;       /* CLEAR_TT_BUFFER */
	enum sim_answer fail_as;
	bool bad_config; /* a keyboard whose configuration is malformed */
	/* anyone's */
	unsigned int clear_halts; /* CLEAR_FEATURE(ENDPOINT_HALT) on 0x81 */
	bool stall_leds;          /* a keyboard that stalls SET_REPORT (HID 1.11 allows it) */
	unsigned int led_reports;
	bool addressed;                /* Address Device done since its port's last reset */
	unsigned int failed_addresses; /* Address Devices that end in a transaction error */
	unsigned int tt_clears;        /* a hub's CLEAR_TT_BUFFER requests, failed ones too */
	uint16_t tt_clear[4];          /* ... the first four's wValue */
};
static struct node node[MAX_NODES];
static int nodes;
/* Address Devices that found another device at the default address 0 behind the root port
 * (plugged, its hub port enabled, not addressed since its reset): on a real USB 2 hub, which
 * repeats the SET_ADDRESS to every enabled port, both would have taken the address. */
static unsigned int addr0_collisions;

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
static inline int add_node(int kind, unsigned int speed, int parent, unsigned int port)
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

static inline uint16_t speed_bits(unsigned int speed)
{
	return speed == USB_SPEED_LOW ? PS_LOW_SPEED : speed == USB_SPEED_HIGH ? PS_HIGH_SPEED : 0;
}

/* The node on port p of hub h (-1: the root port), or -1. */
static inline int child_of(int h, unsigned int p)
{
	for (int n = 0; n < nodes; n++)
		if (node[n].parent == h && node[n].port == p && node[n].plugged)
			return n;
	return -1;
}

/* The node a device of the driver's is, from its root port and route string. */
static inline int node_of(const struct usb_dev *d)
{
	int n = d->root_port == ROOT_PORT ? child_of(-1, ROOT_PORT) : -1;

	for (unsigned int k = 0; n >= 0 && k < d->depth; k++)
		n = child_of(n, (d->route >> (4 * k)) & 0xf);
	return n;
}

/* The driver's live device for node n, or NULL. */
static inline struct usb_dev *dev_of(int n)
{
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		if (!d->gone && !d->failed && d->slot && node_of(d) == n)
			return d;
	return NULL;
}

/* Node n is plugged in (connected at once when its port has power) or pulled out. */
static inline void plug(int n, bool in)
{
	struct node *h = node[n].parent >= 0 ? &node[node[n].parent] : NULL;
	unsigned int p = node[n].port;

	node[n].plugged = in;
	node[n].addressed = false;
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

/* One of a fault's count taken: true when the fault happens this time. */
static inline bool take(unsigned int *n)
{
	if (!*n)
		return false;
	if (*n != UINT_MAX)
		(*n)--;
	return true;
}

/* Whether node n answers the default address 0: behind a hub, on an enabled port, not
 * addressed since the port's last reset. */
static inline bool at_address0(int n)
{
	const struct node *d = &node[n];

	return d->plugged && d->parent >= 0 && !d->addressed &&
	       (node[d->parent].status[d->port] & PS_ENABLE);
}

/* The simulator's sim_address_fn: the node the slot context's route names is addressed,
 * unless a failure of its is due; any other node then still at address 0 is a collision. */
static inline uint32_t tree_address(struct xhci_sim *s, unsigned int slot, const uint32_t ctx[3])
{
	uint32_t route = ctx[0] & 0xfffff;
	int n = (ctx[1] >> 16 & 0xff) == ROOT_PORT ? child_of(-1, ROOT_PORT) : -1;

	(void)s, (void)slot;
	for (unsigned int k = 0; n >= 0 && k < 5 && (route >> (4 * k)) & 0xf; k++)
		n = child_of(n, (route >> (4 * k)) & 0xf);
	if (n < 0)
		return XHCI_CC_USB_TRANSACTION; /* nobody there to answer */
	if (take(&node[n].failed_addresses))
		return XHCI_CC_USB_TRANSACTION;
	for (int m = 0; m < nodes; m++)
		if (m != n && at_address0(m))
			addr0_collisions++;
	node[n].addressed = true;
	return XHCI_CC_SUCCESS;
}

/* How hub h's failing requests fail. */
static inline enum sim_answer fail(const struct node *h)
{
	return h->fail_as ? h->fail_as : SIM_STALL;
}

static inline enum sim_answer hub_request(struct node *h, const struct sim_setup *su, uint8_t *data,
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
	} else if (su->type == 0xa0 && su->req == 0x06 && take(&h->failed_hub_desc)) {
		return fail(h);
	} else if (su->type == 0xa0 && su->req == 0x00 && take(&h->failed_hub_status)) {
		h->hub_status_reads++;
		return fail(h);
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
		*len = take(&h->short_hub_status) ? 2 : 4;
	} else if (su->type == 0x20 && su->req == 0x01 && su->value <= 1 &&
		   take(&h->failed_hub_clears)) {
		h->hub_clears++;
		return fail(h);
	} else if (su->type == 0x20 && su->req == 0x01 && su->value <= 1) {
		h->hub_clears++;
		h->hub_change &=
			(uint16_t) ~(1u << su->value); /* C_HUB_LOCAL_POWER, _OVER_CURRENT */
	} else if (su->type == 0x02 && su->req == 0x01 && su->value == 0 && su->index == 0x81) {
		h->clear_halts++;
	} else if (su->type == 0x23 && su->req == 0x08) { /* CLEAR_TT_BUFFER */
		if (h->tt_clears < 4)
			h->tt_clear[h->tt_clears] = su->value;
		h->tt_clears++;
		if (su->index != 1 || take(&h->failed_tt_clears))
			return fail(h); /* a single TT: TT_port 1 */
	} else if ((su->type & 0x1f) != 3) {
		return su->type & 0x60 ? SIM_STALL
				       : SIM_ANSWER; /* standard device requests: fine */
	} else if (p < 1 || p > h->nports) {
		return SIM_STALL;
	} else if (su->type == 0xa3 && su->req == 0x00 && take(&h->failed_port_status[p])) {
		h->status_reads[p]++;
		return fail(h);
	} else if (su->type == 0x23 && su->req == 0x03 && su->value == 4 &&
		   take(&h->failed_resets[p])) {
		h->reset_requests[p]++;
		return fail(h);
	} else if (su->type == 0x23 && su->req == 0x03 && su->value == 8 &&
		   take(&h->failed_power[p])) {
		h->power_requests[p]++;
		return fail(h);
	} else if (su->type == 0x23 && su->req == 0x01 && su->value >= 16 && su->value <= 20 &&
		   take(&h->failed_clears[p])) {
		return fail(h);
	} else if (su->type == 0x23 && su->req == 0x01 && su->value == 1 &&
		   take(&h->failed_disables[p])) {
		h->port_disables[p]++;
		return fail(h);
	} else if (su->type == 0xa3 && su->req == 0x00) { /* GET_STATUS(port) */
		h->status_reads[p]++;
		memcpy(data, &h->status[p], 2);
		memcpy(data + 2, &h->change[p], 2);
		*len = take(&h->short_port_status[p]) ? 2 : 4;
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
		c = child_of((int)(h - node), p);
		if (c >= 0)
			node[c].addressed = false; /* back at the default address */
		if (!(h->status[p] & C_CONNECTION))
			return SIM_ANSWER; /* nothing there to reset */
		if (take(&h->stuck_resets[p])) {
			h->status[p] |= PS_RESET;
			return SIM_ANSWER;
		}
		h->status[p] &= (uint16_t)~PS_RESET;
		if (!take(&h->unenabled_resets[p]))
			h->status[p] |= PS_ENABLE;
		h->change[p] |= PS_RESET; /* C_PORT_RESET */
	} else if (su->type == 0x23 && su->req == 0x01 && su->value == 1) {
		/* CLEAR_FEATURE(PORT_ENABLE): the port disabled */
		h->port_disables[p]++;
		h->status[p] &= (uint16_t)~PS_ENABLE;
	} else if (su->type == 0x23 && su->req == 0x01 && su->value >= 16 && su->value <= 20) {
		h->change[p] &= (uint16_t) ~(1u << (su->value - 16));
	}
	return SIM_ANSWER;
}

static inline enum sim_answer device(struct xhci_sim *s, unsigned int slot,
				     const struct sim_setup *su, uint8_t *data, size_t *len)
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
		} else if ((su->value >> 8) == USB_DT_CONFIG) {
			memcpy(data, sim_kbd_config_desc, *len = sizeof(sim_kbd_config_desc));
			if (node[n].bad_config)
				data[9] = 1; /* the interface descriptor's bLength */
		} else
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
static inline void start(void)
{
	char why[80];

	memset(&sim, 0, sizeof(sim));
	memset(node, 0, sizeof(node));
	nodes = 0;
	presses = 0;
	memset(down, 0, sizeof(down));
	sim_dma_reset();
	sim.device = device;
	sim.address = tree_address;
	addr0_collisions = 0;
	CHECK_EQ(sim_start(&sim, &hc, why, sizeof(why)), 0);
	xhci_ports_start(&hc);
	dma_before = sim_dma_live();
	sim_log_clear();
	host_time_skip_ns = 200000;
}

/* Everything unplugged through the driver (Disable Slot for each), then nothing left: no
 * device, no slot enabled, no allocation but the controller's, no key held. */
static inline void finish(void)
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
static inline void hub_notify(int n)
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
	xhci_intr_data(d, i)[0] = map;
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys + i * 16, XHCI_CC_SUCCESS, 0);
	stack_tick(&hc);
}

/* One 8-byte boot report from keyboard d, taken. */
static inline void key_report(struct usb_dev *d, const uint8_t r[8])
{
	unsigned int i = d->intr_deq;

	memcpy(xhci_intr_data(d, i), r, 8);
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys + i * 16, XHCI_CC_SUCCESS, 0);
	stack_tick(&hc);
}

static const uint8_t press_a[8] = { 0, 0, 0x04 };
static const uint8_t press_b[8] = { 0, 0, 0x05 };

/* A high-speed hub on the root port with a keyboard of speed on port p, both ready. */
static inline int hub_and_keyboard(unsigned int speed, unsigned int p, int *kbd)
{
	int h = add_node(N_HUB, USB_SPEED_HIGH, -1, ROOT_PORT);

	*kbd = add_node(N_KBD, speed, h, p);
	node[*kbd].plugged = true;
	plug(h, true);
	CHECK(stack_until(&hc, "hub with 4 ports ready", 5000));
	return h;
}

/* Keyboard node k is there and types: 'a' pressed, then released. */
static inline void types_a(int k)
{
	struct usb_dev *d = dev_of(k);

	CHECK(d != NULL);
	if (!d)
		return;
	key_report(d, press_a);
	CHECK_EQ(held(), 1u);
	key_report(d, (const uint8_t[8]){ 0 });
	CHECK_EQ(held(), 0u);
}

/* The `usb` listing shows port p of a hub (the only one listed) in state, e.g.
 * "    port 2  refused"; the log cleared first. */
static inline bool hub_port_listed(unsigned int p, const char *state)
{
	char line[64];

	snprintf(line, sizeof(line), "\n    port %-2u %s\n", p, state);
	sim_log_clear();
	usb_list_devices(&hc);
	return sim_logged(line);
}

/* A hub and keyboards of full speed on the given ports, plugged before it powers them; the
 * hub's faults are set by the caller before stack_until. */
static inline int hub_with_keyboards(const unsigned int *ports, int n, int *kbd)
{
	int h = add_node(N_HUB, USB_SPEED_HIGH, -1, ROOT_PORT);

	for (int i = 0; i < n; i++) {
		kbd[i] = add_node(N_KBD, USB_SPEED_FULL, h, ports[i]);
		node[kbd[i]].plugged = true;
	}
	return h;
}

#endif
