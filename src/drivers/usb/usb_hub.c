// SPDX-License-Identifier: MIT
/*
 * The USB 2 hub class driver (USB 2.0 chapter 11.24). After SET_CONFIGURATION: the hub
 * descriptor (port count, power-on time), Configure Endpoint for the status change endpoint
 * with the slot's Hub fields, SET_FEATURE(PORT_POWER) on every port, the power-on wait, then
 * interrupt transfers queued and every port's status read once. From then on a status
 * change bitmap from the interrupt endpoint (or a port's own timer) marks ports to look at;
 * each look is GET_STATUS, then CLEAR_FEATURE of each change bit seen, then the port's
 * state machine (usb_hub_port.c: debounce, reset, over-current, giving a port up).
 *
 * Bit 0 of the bitmap is the hub's own: GET_STATUS(hub), each change acknowledged
 * (11.24.2.6; never cleared, the hub would report it on every poll); a hub over-current is
 * named, and once it has ended every port is powered again. A short GET_STATUS(hub) is read
 * again, then the hub's own status is no longer read (see hub_status_failed for why the hub
 * is kept).
 *
 * A request that fails (STALL, a transaction, split transaction or babble error: the
 * controller halted endpoint 0, and usb_enum_cmd.c reset it with Reset Endpoint and Set TR
 * Dequeue Pointer before the state sees the failure; the hub's own end needs nothing, a
 * control endpoint's STALL clears with the next SETUP, USB 2.0 8.5.3.4) costs what it was
 * about, as in Linux's hub driver, which logs a failed port request and carries on (hub_ok):
 *   GET_STATUS(port), CLEAR_FEATURE(C_PORT_*)  counted with the short replies: read again,
 *                                  the port given up after STATUS_TRIES in a row;
 *   SET_FEATURE(PORT_RESET)        a failed reset try: tried again, RESET_TRIES in all;
 *   SET_FEATURE(PORT_POWER)        logged: that port stays dark, the others are powered;
 *   CLEAR_FEATURE(PORT_ENABLE)     logged (the port was being given up anyway);
 *   GET_STATUS(hub), CLEAR_FEATURE(C_HUB_*)  as a short hub status.
 * Refused, the hub and everything behind it: its own descriptor or Configure Endpoint
 * failing (Linux too refuses a hub it cannot configure), any request not answered within
 * its deadline (the transfer may still sit on endpoint 0's ring: nothing after it can be
 * trusted), any other completion code, and endpoint 0 halting more than usb_enum_cmd.c's limit
 * in a row (a hub that fails every request is broken, not unlucky).
 *
 * Depth: five hubs in a chain (USB 2.0 4.1.1: hubs at depth 0-4 below the root port, their
 * children to depth 5, the route string's fifth nibble); QEMU tests one level, the host
 * tests five. USB 3 hubs (different port status, SET HUB_DEPTH) are refused by usb_enum.c.
 * One control transfer at a time, like every device.
 */
#include <lios/heap.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/time.h>
#include "usb_hub.h"

/* usb_hub_attach - d's hub interface is configured: start the class steps. */
void usb_hub_attach(struct usb_dev *d)
{
	d->hub = heap_calloc(1, sizeof(*d->hub));
	if (!d->hub)
		usb_dev_refuse(d, "out of memory");
}

/* usb_hub_report - a status change bitmap: bit p means port p changed, bit 0 the hub. Bits
 * past the hub's last port are reserved (USB 2.0 11.12.4) and dropped: no port would ever
 * take them, and the hub would never count as settled. */
void usb_hub_report(struct usb_dev *d, const uint8_t *data, size_t len)
{
	struct usb_hub *h = d->hub;

	if (!h)
		return;
	for (size_t i = 0; i < len && i < 2; i++)
		h->need |= (uint16_t)(data[i] << (8 * i));
	/* bits 0..num_ports, less the ones given up */
	h->need &= (uint16_t)((2u << h->info.num_ports) - 1) & (uint16_t)~h->ignored;
}

/* The port of hub d that child is on, or 0. */
static unsigned int port_of(const struct usb_dev *d, const struct usb_dev *child)
{
	for (unsigned int p = 1; d->hub && p <= d->hub->info.num_ports; p++)
		if (d->hub->port[p].child == child)
			return p;
	return 0;
}

/*
 * usb_hub_child_gone - child (refused) is no longer on its port: wait for a disconnect.
 * One refused before it had its address still answers the default address 0 on an
 * enabled port, where the next device reset behind this root port would answer it too:
 * its port is disabled first (HP_DISABLE, on the next look).
 */
void usb_hub_child_gone(struct usb_dev *hub, struct usb_dev *child)
{
	unsigned int p = port_of(hub, child);
	struct hub_port *hp;

	if (!p)
		return;
	hp = &hub->hub->port[p];
	hp->child = NULL;
	hp->state = usb_dev_addressed(child) ? HP_FAILED : HP_DISABLE;
	hp->again = false;
	hp->next_look = deadline_us(0);
}

/*
 * usb_hub_child_retry - child was refused for a request that failed before its class
 * driver: while its port has tries left, the port is reset again (after disabling it, when
 * child had no address yet, and a debounce's wait) and its device enumerated anew. Returns
 * the number of the try to come, or 0 when the tries are used up (usb_hub_child_gone then
 * follows). Tick context.
 */
unsigned int usb_hub_child_retry(struct usb_dev *hub, struct usb_dev *child)
{
	unsigned int p = port_of(hub, child);
	struct hub_port *hp;

	if (!p)
		return 0;
	hp = &hub->hub->port[p];
	if (++hp->enum_fails >= USB_ENUM_TRIES)
		return 0;
	hp->child = NULL;
	if (usb_dev_addressed(child)) {
		hp->state = HP_DEBOUNCE;
		hp->deadline = hp->next_look = deadline_us(DEBOUNCE_US);
	} else {
		hp->state = HP_DISABLE;
		hp->again = true;
		hp->next_look = deadline_us(0);
	}
	return hp->enum_fails + 1;
}

/* usb_hub_free - the hub is going: every device behind it goes too. */
void usb_hub_free(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;

	if (!h)
		return;
	for (unsigned int p = 1; p <= h->info.num_ports; p++)
		if (h->port[p].child)
			usb_dev_unplug(h->port[p].child);
	d->hub = NULL;
	heap_free(h);
}

/* A request to the hub itself (not a port's), remembered as kind for hub_ok. */
static void hub_request(struct usb_dev *d, uint8_t kind, uint8_t rt, uint8_t req, uint16_t value,
			uint16_t index, uint16_t len, const char *op)
{
	d->hub->req = kind;
	d->hub->req_port = (uint8_t)index;
	xhci_control(d, rt, req, value, index, len, op);
}

/*
 * GET_STATUS(hub) answered short or failed, or a hub change could not be cleared (what).
 * Read again, STATUS_TRIES times in a row at most, then its own status is no longer read:
 * the hub and its ports go on. Why not refuse the hub: the hub status holds only local
 * power and a whole-hub over-current (11.24.2.6), while every device behind it depends on
 * the hub; Linux too only logs a failed hub status and serves the ports. What is lost: the
 * ports powered again after a whole-hub over-current (a port's own over-current still
 * shows in its status). True when it was given up.
 */
static bool hub_status_failed(struct usb_dev *d, const char *what)
{
	struct usb_hub *h = d->hub;

	if (++h->port[0].fails < STATUS_TRIES) {
		h->need |= 1u;
		return false;
	}
	printk(KERN_WARN "usb: %s: %s %u times in a row: no longer read, its ports go on\n", d->name, what,
	       h->port[0].fails);
	h->ignored |= 1u;
	h->need &= (uint16_t)~1u;
	return true;
}

/* The completion codes of a request the device rejected or that the wire lost: endpoint 0
 * halted on them and was reset (usb_enum_cmd.c), the hub is still reachable. */
static bool request_failure(uint32_t cc)
{
	return cc == XHCI_CC_STALL || cc == XHCI_CC_USB_TRANSACTION || cc == XHCI_CC_BABBLE ||
	       cc == XHCI_CC_SPLIT_TRANSACTION;
}

/*
 * The outcome of the hub's last request, for the state that waits for it (the top comment
 * has the table). True: it succeeded, or it was about one port (or the hub's own status)
 * and that has paid for its failure: the hub goes on as after a success. False: wait (a
 * new request went out or the state moved on), or the hub was refused. Tick context.
 */
static bool hub_ok(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;
	unsigned int p = h->req_port, kind = h->req;
	char what[64];

	if (kind == R_TT_CLEAR && d->cc != XHCI_CC_SUCCESS && d->cc != XHCI_CC_SHORT_PACKET) {
		/* what it costs is the device behind: its next request may time out */
		if (usb_dev_timed_out(d))
			printk(KERN_WARN "usb: %s: no answer to %s\n", d->name, d->op);
		else
			printk(KERN_WARN "usb: %s: %s failed (completion code %u)\n", d->name,
			       d->op, d->cc);
		h->req = R_OTHER;
		d->cc = XHCI_CC_SUCCESS;
		d->residual = 0;
		return true;
	}
	if (kind == R_OTHER || !request_failure(d->cc))
		return usb_dev_ok(d);
	if (d->cc == XHCI_CC_STALL)
		ksnprintf(what, sizeof(what), "%s stalled", d->op);
	else
		ksnprintf(what, sizeof(what), "%s failed (completion code %u)", d->op, d->cc);
	h->req = R_OTHER;
	d->cc = XHCI_CC_SUCCESS; /* paid for below: the states see a request done */
	d->residual = 0;
	switch (kind) {
	case R_PORT_STATUS:
		h->state = H_RUN;
		usb_hub_port_look_failed(d, p, what);
		return false;
	case R_PORT_CLEAR: /* the status read stands; the change comes back on the next look */
		h->look_failed = true;
		if (!usb_hub_port_look_failed(d, p, what))
			return true;
		h->state = H_RUN;
		return false;
	case R_PORT_RESET:
		usb_hub_port_reset_failed(d, p, what);
		return false;
	case R_PORT_POWER:
		printk(KERN_WARN "usb: %s port %u: %s: the port may stay unpowered\n", d->name, p, what);
		return true;
	case R_PORT_DISABLE:
		printk(KERN_WARN "usb: %s port %u: %s: the port may stay enabled\n", d->name, p, what);
		return true;
	case R_HUB_STATUS:
		h->state = H_RUN;
		hub_status_failed(d, what);
		return false;
	default: /* R_HUB_CLEAR: the change comes back on the next read */
		h->look_failed = true;
		if (!hub_status_failed(d, what))
			return true;
		h->state = H_RUN;
		return false;
	}
}

/* The next port to look at: one marked by the hub, or one whose timer is due. */
static unsigned int next_port(struct usb_hub *h)
{
	for (unsigned int p = 1; p <= h->info.num_ports; p++) {
		struct hub_port *hp = &h->port[p];

		if ((h->need & (1u << p)) || (usb_hub_port_timed(hp) && deadline_passed(hp->next_look))) {
			h->need &= (uint16_t)~(1u << p);
			return p;
		}
	}
	return 0;
}

/* The hub's own status just read (11.24.2.6): a local power change only wants its
 * acknowledgement; an over-current of the whole hub is named, and once it has ended every
 * port is powered again (a hub may have switched them off) and looked at. */
static void hub_update(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;

	if (!(h->change & HUB_HS_OVER_CURRENT))
		return;
	if (h->status & HUB_HS_OVER_CURRENT) {
		printk(KERN_WARN "usb: %s: hub over-current: its ports are off until it ends\n", d->name);
		return;
	}
	printk(KERN_INFO "usb: %s: hub over-current ended: its ports powered again\n", d->name);
	h->cur = 0;
	h->state = H_REPOWER;
}

/* The hub descriptor just read: Configure Endpoint for its status change endpoint, the
 * ports powered once that has completed. A descriptor that does not parse refuses d. */
static void hub_configure(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;
	const char *why = NULL;

	if (usb_parse_hub_desc(d->buf, HUB_DESC_ASK - MIN(d->residual, HUB_DESC_ASK), false, &h->info, &why) < 0) {
		usb_dev_refuse(d, why);
		return;
	}
	if (usb_dev_configure_ep(d, &d->cfg.iface[d->iface].int_in, &h->info))
		h->state = H_POWER;
}

/* SET_FEATURE(PORT_POWER) on the port after h->cur, which becomes cur: true. Every port
 * done: false, d->wait_until set to the end of the hub's power-on time. */
static bool power_next_port(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;

	if (h->cur++ < h->info.num_ports) {
		usb_hub_port_request(d, R_PORT_POWER, HUB_REQ_SET_FEATURE, HUB_PORT_POWER, h->cur,
				     "SET_FEATURE(PORT_POWER)");
		return true;
	}
	d->wait_until = usb_hub_power_on_deadline(h);
	return false;
}

/* The ports are powered: interrupt transfers queued on the status change endpoint and
 * every port marked to be looked at once; the hub runs. */
static void hub_ready(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;

	for (int i = 0; i < XHCI_INTR_QUEUED; i++)
		xhci_intr_queue(d);
	xhci_ring_doorbell(d->hc, d->slot, d->intr_dci);
	h->need = (uint16_t)(((1u << h->info.num_ports) - 1) << 1); /* look at every port once */
	printk(KERN_INFO "usb: %s: hub with %u ports ready\n", d->name, h->info.num_ports);
	h->state = H_RUN;
}

/* The running hub's next look: GET_STATUS of the hub itself when bit 0 is marked, else of
 * the next port due (it becomes h->cur); nothing when none is. */
static void look_next(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;

	if (h->need & 1u) {
		h->need &= (uint16_t)~1u;
		hub_request(d, R_HUB_STATUS, HUB_RT_CLASS_DEV_IN, HUB_REQ_GET_STATUS, 0, 0, 4, "GET_STATUS(hub)");
		h->state = H_HUB_STATUS;
		return;
	}
	h->cur = next_port(h);
	if (!h->cur)
		return;
	hub_request(d, R_PORT_STATUS, HUB_RT_PORT_IN, HUB_REQ_GET_STATUS, 0, (uint16_t)h->cur, 4,
		    "GET_STATUS(port)");
	h->state = H_STATUS;
}

/* The 4 bytes a GET_STATUS (of whose: "hub" or "port") answered: true, taken as h->status
 * and h->change (masked by mask), every change to be acknowledged. False when the answer
 * was short: the hub back in H_RUN, what (of size) saying how short. */
static bool status_take(struct usb_dev *d, const char *whose, uint16_t mask, char *what, size_t size)
{
	struct usb_hub *h = d->hub;

	if (d->residual) {
		ksnprintf(what, size, "%s status short (%u of 4 bytes)", whose, 4 - MIN(d->residual, 4u));
		h->state = H_RUN;
		return false;
	}
	h->status = (uint16_t)(d->buf[0] | d->buf[1] << 8);
	h->change = (uint16_t)(d->buf[2] | d->buf[3] << 8) & mask;
	h->to_clear = h->change;
	return true;
}

/* The lowest change bit not yet acknowledged, taken out of h->to_clear (not empty). */
static unsigned int change_take(struct usb_hub *h)
{
	unsigned int c = (unsigned int)__builtin_ctz(h->to_clear);

	h->to_clear &= (uint16_t)~(1u << c);
	return c;
}

/* GET_STATUS(port h->cur) answered: true, its changes to be acknowledged (H_CLEAR). False
 * when it was short: a failed look at that port (usb_hub_port_look_failed). */
static bool port_status_read(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;
	char what[40];

	if (!status_take(d, "port", HUB_CHANGE_MASK, what, sizeof(what))) {
		usb_hub_port_look_failed(d, h->cur, what);
		return false;
	}
	h->look_failed = false;
	h->state = H_CLEAR;
	return true;
}

/* CLEAR_FEATURE of port h->cur's next change; once all are acknowledged the look is over:
 * the port's state machine sees the status (usb_hub_port_update) and the hub runs on. */
static void port_clear_next(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;

	if (h->to_clear) {
		usb_hub_port_request(d, R_PORT_CLEAR, HUB_REQ_CLEAR_FEATURE,
				     (uint16_t)(HUB_C_PORT_CONNECTION + change_take(h)), h->cur,
				     "CLEAR_FEATURE(port change)");
		return;
	}
	if (!h->look_failed)
		h->port[h->cur].fails = 0; /* a whole look: the failures in a row start again */
	usb_hub_port_update(d, h->cur);
	h->state = H_RUN;
}

/* GET_STATUS(hub) answered: true, its changes to be acknowledged (H_HUB_CLEAR). False when
 * it was short: counted by hub_status_failed. */
static bool hub_status_read(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;
	char what[40];

	if (!status_take(d, "hub", HUB_HUB_CHANGE_MASK, what, sizeof(what))) {
		hub_status_failed(d, what);
		return false;
	}
	h->look_failed = false;
	h->state = H_HUB_CLEAR;
	return true;
}

/* CLEAR_FEATURE of the hub's next own change; once all are acknowledged the hub runs on,
 * with what its status means done first (hub_update). */
static void hub_clear_next(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;

	if (h->to_clear) {
		hub_request(d, R_HUB_CLEAR, HUB_RT_HUB_OUT, HUB_REQ_CLEAR_FEATURE,
			    (uint16_t)(HUB_C_HUB_LOCAL_POWER + change_take(h)), 0, 0, "CLEAR_FEATURE(hub change)");
		return;
	}
	/* a whole look (read and every change cleared): the failures in a row start again;
	 * not at the read, or a clear that always fails would be read again for ever */
	if (!h->look_failed)
		h->port[0].fails = 0;
	h->state = H_RUN;
	hub_update(d);
}

/* A hub over-current has ended: the next port powered again (the ones left off for their
 * own over-currents passed over), then the hub's power-on wait (H_REPOWER_WAIT). */
static void repower_next(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;

	while (h->cur < h->info.num_ports && h->port[h->cur + 1].state == HP_OFF)
		h->cur++; /* left off for its own over-currents */
	if (!power_next_port(d))
		h->state = H_REPOWER_WAIT;
}

/*
 * usb_hub_clear_tt - endpoint 0 of dev, a low- or full-speed device behind the transaction
 * translator of high-speed hub d, halted or was stopped on a request: the split transaction
 * it was may still hold a buffer of the translator, which then refuses or delays the next
 * non-periodic transaction of the devices behind it (USB 2.0 11.17.5). CLEAR_TT_BUFFER
 * (11.24.2.3) for endpoint 0 of dev's address, both directions (a control endpoint's
 * split transactions go both ways, as Linux clears them), queued for the hub's next turn
 * between two looks at its ports. The translator is the hub's single one (port 1): LiOS
 * leaves a multiple-TT hub in its default single-TT setting. Tick context.
 */
void usb_hub_clear_tt(struct usb_dev *d, const struct usb_dev *dev)
{
	struct usb_hub *h = d->hub;
	uint16_t info = (uint16_t)(usb_dev_address_of(dev) << 4); /* endpoint 0, control */

	if (!h || d->gone || d->failed)
		return;
	for (unsigned int dir = 0; dir < 2; dir++) {
		uint16_t v = (uint16_t)(info | (dir ? 0x8000u : 0));
		bool queued = false;

		for (unsigned int i = 0; i < h->tt_clears; i++)
			queued |= h->tt_clear[i] == v;
		if (!queued && h->tt_clears < ARRAY_SIZE(h->tt_clear))
			h->tt_clear[h->tt_clears++] = v;
	}
}

/* A queued CLEAR_TT_BUFFER sent: true; none queued: false (the hub looks at its ports). */
static bool clear_tt_next(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;
	uint16_t v;

	if (!h->tt_clears)
		return false;
	v = h->tt_clear[0];
	memmove(h->tt_clear, h->tt_clear + 1, --h->tt_clears * sizeof(h->tt_clear[0]));
	hub_request(d, R_TT_CLEAR, HUB_RT_PORT_OUT, HUB_REQ_CLEAR_TT_BUFFER, v, 1, 0,
		    "CLEAR_TT_BUFFER");
	return true;
}

/* usb_hub_step - one class step (see the top comment). Tick context, d not busy. */
void usb_hub_step(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;

	switch (h->state) {
	case H_DESC:
		hub_request(d, R_OTHER, HUB_RT_CLASS_DEV_IN, HUB_REQ_GET_DESCRIPTOR, USB_DT_HUB << 8, 0, HUB_DESC_ASK,
			    "GET_DESCRIPTOR(hub)");
		h->state = H_CONFIG_EP;
		return;
	case H_CONFIG_EP:
		/* (again when the command ring was busy: the same bytes parse the same) */
		if (usb_dev_ok(d))
			hub_configure(d);
		return;
	case H_POWER:
		if (hub_ok(d) && !power_next_port(d))
			h->state = H_POWER_WAIT;
		return;
	case H_POWER_WAIT:
		if (deadline_passed(d->wait_until))
			hub_ready(d);
		return;
	case H_RUN:
		if (hub_ok(d) && !clear_tt_next(d))
			look_next(d);
		return;
	case H_STATUS:
		if (!hub_ok(d) || !port_status_read(d))
			return;
		/* fall through */
	case H_CLEAR:
		if (hub_ok(d))
			port_clear_next(d);
		return;
	case H_HUB_STATUS:
		if (!hub_ok(d) || !hub_status_read(d))
			return;
		/* fall through */
	case H_HUB_CLEAR:
		if (hub_ok(d))
			hub_clear_next(d);
		return;
	case H_REPOWER:
		if (hub_ok(d))
			repower_next(d);
		return;
	case H_REPOWER_WAIT:
		if (!hub_ok(d) || !deadline_passed(d->wait_until))
			return;
		h->need |= (uint16_t)(((1u << h->info.num_ports) - 1) << 1) & (uint16_t)~h->ignored;
		h->state = H_RUN;
		return;
	}
}

/*
 * usb_hub_settled - the hub d is ready and none of its ports is between a connection and a
 * device: no debounce, reset, recovery or power-on wait, no change not yet looked at (a
 * port in over-current waits for as long as it lasts: that is not counted). The devices
 * behind it say for themselves whether they are still enumerating. Tick context, or
 * interrupts off.
 */
bool usb_hub_settled(const struct usb_dev *d)
{
	const struct usb_hub *h = d->hub;

	if (!h || h->state != H_RUN || h->need)
		return false; /* not ready yet, or a port's status being read */
	for (unsigned int p = 1; p <= h->info.num_ports; p++)
		if (usb_hub_port_timed(&h->port[p]) && h->port[p].state != HP_OVER_CURRENT)
			return false;
	return true;
}
