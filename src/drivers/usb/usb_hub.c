// SPDX-License-Identifier: MIT
/*
 * The USB 2 hub class driver (USB 2.0 chapter 11.24). After SET_CONFIGURATION: the hub
 * descriptor (port count, power-on time), Configure Endpoint for the status change endpoint
 * with the slot's Hub fields, SET_FEATURE(PORT_POWER) on every port, the power-on wait, then
 * interrupt transfers queued and every port's status read once. From then on a status
 * change bitmap from the interrupt endpoint (or a port's own timer) marks ports to look at;
 * each look is GET_STATUS, then CLEAR_FEATURE of each change bit seen, then the port's
 * state machine: debounce 100 ms, SET_FEATURE(PORT_RESET), wait until enabled, 10 ms
 * recovery, then the child enumerates like any device (usb_enum.c) with the route string
 * and, behind a high-speed hub, the transaction translator this hub provides.
 *
 * Forgiveness, as Linux's hub driver on real hubs: a port reset that does not finish in
 * 500 ms, or ends with the port not enabled, is tried again, RESET_TRIES times in all, and
 * only then is the port given up (disabled, waiting for a disconnect). A port whose
 * GET_STATUS answers short is read again, STATUS_TRIES times in a row, and then that port
 * alone is given up: the other ports go on. A short GET_STATUS(hub) the same, the hub's own
 * status then no longer read (see hub_status_short for why the hub is kept).
 *
 * A connection change seen again during the debounce, the reset or its recovery starts the
 * debounce afresh (7.1.7.3: the interval restarts after a disconnect). A port the hub has
 * disabled under its device (C_PORT_ENABLE after a port error, 11.24.2.7.2.2) while the
 * device is still connected is enumerated again, MAX_DISABLES times at most. Bit 0 of the
 * bitmap is the hub's own: GET_STATUS(hub), each change acknowledged (11.24.2.6; never
 * cleared, the hub would report it on every poll); a hub over-current is named, and once it
 * has ended every port is powered again.
 *
 * Over-current (11.24.2.7.1.4): the hub turns the port's power off and sets
 * C_PORT_OVER_CURRENT; its device is gone. The port is looked at every 100 ms until
 * PORT_OVER_CURRENT has cleared and stayed clear for 100 ms, then SET_FEATURE(PORT_POWER),
 * the hub's power-on time, and a look for the device that is still plugged in. A port whose
 * over-current keeps coming back is left unpowered with a line naming it (usb_oc_give_up).
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
#include "usb_internal.h"

#define HUB_REQ_GET_STATUS 0x00
#define HUB_REQ_CLEAR_FEATURE 0x01
#define HUB_REQ_SET_FEATURE 0x03
#define HUB_REQ_GET_DESCRIPTOR 0x06
#define HUB_RT_CLASS_DEV_IN 0xa0
#define HUB_RT_PORT_IN 0xa3
#define HUB_RT_PORT_OUT 0x23
#define HUB_PORT_ENABLE 1         /* CLEAR_FEATURE(PORT_ENABLE) disables the port */
#define HUB_PORT_RESET 4
#define HUB_PORT_POWER 8
#define HUB_C_PORT_CONNECTION 16  /* change features are 16 + the change bit */
#define HUB_RT_HUB_OUT 0x20
#define HUB_C_HUB_LOCAL_POWER 0   /* hub change features: 0 + the wHubChange bit */
#define HUB_HS_OVER_CURRENT (1u << 1) /* wHubStatus; the same bit of wHubChange */
#define HUB_HUB_CHANGE_MASK 0x3   /* C_HUB_LOCAL_POWER, C_HUB_OVER_CURRENT */
#define HUB_PS_CONNECTION (1u << 0)
#define HUB_PS_ENABLE (1u << 1)
#define HUB_PS_OVER_CURRENT (1u << 3) /* wPortStatus; the same bit of wPortChange: C_OVER_CURRENT */
#define HUB_PS_RESET (1u << 4)
#define HUB_PS_LOW_SPEED (1u << 9)
#define HUB_PS_HIGH_SPEED (1u << 10)
#define HUB_CHANGE_MASK 0x1f      /* C_CONNECTION, C_ENABLE, C_SUSPEND, C_OVER_CURRENT, C_RESET */
#define HUB_MIN_POWER_MS 100
#define HUB_DESC_ASK 9u           /* a hub descriptor with up to 7 ports' bitmaps */
#define DEBOUNCE_US 100000
#define RESET_POLL_US 10000
#define RESET_TIMEOUT_US 500000
#define RECOVERY_US 10000
#define OC_POLL_US 100000         /* status read while over-current lasts */
#define MAX_DISABLES 3            /* port errors under one device before it is given up */
#define RESET_TRIES 3             /* port resets for one connection before it is given up */
#define STATUS_TRIES 3            /* short GET_STATUS replies in a row before giving up */

enum {
	H_DESC, H_CONFIG_EP, H_POWER, H_POWER_WAIT, H_START, H_RUN, H_STATUS, H_CLEAR,
	H_HUB_STATUS,         /* GET_STATUS(hub) sent: the hub's own change bits */
	H_HUB_CLEAR,          /* acknowledging them */
	H_REPOWER,            /* a hub over-current ended: every port powered again */
	H_REPOWER_WAIT,
};
enum {
	HP_EMPTY, HP_DEBOUNCE, HP_RESET, HP_RECOVERY, HP_DEVICE, HP_FAILED,
	HP_OVER_CURRENT,      /* unpowered by the hub: waiting for the over-current to end */
	HP_POWER_ON,          /* powered again: waiting the hub's power-on time */
	HP_OFF,               /* over-current came back too often: left unpowered */
	HP_UNREADABLE,        /* its status kept coming back short: no longer read */
};

struct hub_port {
	int state;
	uint64_t deadline;    /* end of debounce, recovery, reset timeout, over-current wait */
	uint64_t next_look;   /* while timed: when to read the status again */
	struct usb_dev *child;
	struct usb_oc_count oc;
	unsigned int disables; /* times the hub disabled it under its device since connected */
	unsigned int resets;   /* PORT_RESETs sent since the connection was debounced */
	unsigned int short_reads; /* short GET_STATUS(port) replies in a row */
};

struct usb_hub {
	int state;
	struct usb_hub_info info;
	unsigned int cur;      /* port being powered or looked at */
	uint16_t status, change;
	uint16_t need;         /* bit p: read port p's status; bit 0: the hub's own */
	uint16_t to_clear;     /* change bits of the status just read not yet acknowledged */
	uint16_t ignored;      /* bit p: port p given up unreadable; bit 0: the hub's own */
	unsigned int hub_short_reads; /* short GET_STATUS(hub) replies in a row */
	struct hub_port port[16];
};

/* usb_hub_attach - d's hub interface is configured: start the class steps. */
void usb_hub_attach(struct usb_dev *d)
{
	d->hub = heap_calloc(1, sizeof(*d->hub));
	if (!d->hub)
		usb_dev_refuse(d, "out of memory");
}

/* usb_hub_report - a status change bitmap: bit p means port p changed, bit 0 the hub. */
void usb_hub_report(struct usb_dev *d, const uint8_t *data, size_t len)
{
	if (!d->hub)
		return;
	for (size_t i = 0; i < len && i < 2; i++)
		d->hub->need |= (uint16_t)(data[i] << (8 * i));
	d->hub->need &= (uint16_t)~d->hub->ignored;
}

/* usb_hub_child_gone - child (refused) is no longer on its port: wait for a disconnect. */
void usb_hub_child_gone(struct usb_dev *hub, struct usb_dev *child)
{
	if (!hub->hub)
		return;
	for (unsigned int p = 1; p <= hub->hub->info.num_ports; p++)
		if (hub->hub->port[p].child == child) {
			hub->hub->port[p].child = NULL;
			hub->hub->port[p].state = HP_FAILED;
		}
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

static void port_request(struct usb_dev *d, uint8_t req, uint16_t feature, unsigned int p, const char *op)
{
	xhci_control(d, HUB_RT_PORT_OUT, req, feature, (uint16_t)p, 0, op);
}

/* Over-current on port p: its child is gone; wait for the condition to end, or give the
 * port up when it keeps coming back. */
static void over_current(struct usb_dev *d, unsigned int p)
{
	struct hub_port *hp = &d->hub->port[p];

	if (hp->child)
		usb_dev_unplug(hp->child);
	hp->child = NULL;
	if (usb_oc_give_up(&hp->oc)) {
		printk(KERN_ERR "usb: %s port %u: over-current %u times in a row: left unpowered\n",
		       d->name, p, hp->oc.n);
		hp->state = HP_OFF;
		return;
	}
	printk(KERN_WARN "usb: %s port %u: over-current: powered off until it ends\n", d->name, p);
	hp->state = HP_OVER_CURRENT;
	hp->deadline = 0; /* not ended yet */
	hp->next_look = deadline_us(OC_POLL_US);
}

/* The over-current states of port p; false when p is in none of them. */
static bool over_current_update(struct usb_dev *d, unsigned int p)
{
	struct usb_hub *h = d->hub;
	struct hub_port *hp = &h->port[p];

	switch (hp->state) {
	case HP_OVER_CURRENT:
		if (h->status & HUB_PS_OVER_CURRENT) {
			hp->deadline = 0;
		} else if (!hp->deadline) { /* seen ended: power in 100 ms if it stays so */
			hp->deadline = hp->next_look = deadline_us(USB_OC_REPOWER_US);
			return true;
		} else if (deadline_passed(hp->deadline)) {
			printk(KERN_INFO "usb: %s port %u: over-current ended: powered again\n", d->name, p);
			port_request(d, HUB_REQ_SET_FEATURE, HUB_PORT_POWER, p, "SET_FEATURE(PORT_POWER)");
			hp->state = HP_POWER_ON;
			hp->deadline = hp->next_look =
				deadline_us(1000ull * MAX(h->info.power_on_ms, (uint16_t)HUB_MIN_POWER_MS));
			return true;
		}
		hp->next_look = deadline_us(OC_POLL_US);
		return true;
	case HP_POWER_ON:
		if (!deadline_passed(hp->deadline))
			return true;
		hp->state = HP_EMPTY; /* and on: a device there is debounced */
		return false;
	case HP_OFF:
		return true;
	default:
		return false;
	}
}

/* SET_FEATURE(PORT_RESET) on port p, counted in its tries; its end is looked for. */
static void port_reset(struct usb_dev *d, unsigned int p)
{
	struct hub_port *hp = &d->hub->port[p];

	port_request(d, HUB_REQ_SET_FEATURE, HUB_PORT_RESET, p, "SET_FEATURE(PORT_RESET)");
	hp->resets++;
	hp->state = HP_RESET;
	hp->deadline = deadline_us(RESET_TIMEOUT_US);
	hp->next_look = deadline_us(RESET_POLL_US);
}

/*
 * The reset of port p failed (why): reset again, or, once RESET_TRIES resets have failed,
 * the port is disabled and given up until its device is unplugged (a port left enabled
 * with a device that never got an address would answer the next one's address 0 too).
 * A USB 2 hub times the reset signal itself (USB 2.0 11.24.2.7.1.5), so a later try cannot
 * ask for a longer reset; each try keeps the whole 500 ms to finish.
 */
static void reset_failed(struct usb_dev *d, unsigned int p, const char *why)
{
	struct hub_port *hp = &d->hub->port[p];

	if (hp->resets < RESET_TRIES) {
		printk(KERN_WARN "usb: %s port %u: %s (try %u of %u): resetting again\n", d->name, p, why,
		       hp->resets, RESET_TRIES);
		port_reset(d, p);
		return;
	}
	printk(KERN_WARN "usb: %s port %u: %s (try %u of %u): port disabled, given up until unplugged\n",
	       d->name, p, why, hp->resets, RESET_TRIES);
	port_request(d, HUB_REQ_CLEAR_FEATURE, HUB_PORT_ENABLE, p, "CLEAR_FEATURE(PORT_ENABLE)");
	hp->state = HP_FAILED;
}

/* What the status just read means for port p (its changes are acknowledged already). */
static void port_update(struct usb_dev *d, unsigned int p)
{
	struct usb_hub *h = d->hub;
	struct hub_port *hp = &h->port[p];
	bool connected = h->status & HUB_PS_CONNECTION;
	bool reconnected = h->change & HUB_PS_CONNECTION;
	enum usb_speed speed;

	if ((h->change | h->status) & HUB_PS_OVER_CURRENT && hp->state != HP_OVER_CURRENT &&
	    hp->state != HP_OFF) {
		over_current(d, p);
		return;
	}
	if (over_current_update(d, p))
		return;
	if ((hp->state == HP_DEVICE || hp->state == HP_FAILED) && (!connected || reconnected)) {
		if (hp->child)
			usb_dev_unplug(hp->child);
		hp->child = NULL;
		hp->state = HP_EMPTY;
	}
	/* the hub disabled the port under its device (a port error, 11.24.2.7.2.2: babble,
	 * noise) and the device is still there: unreachable now, so it is enumerated again, as
	 * if plugged in afresh; a port that keeps doing it is given up */
	if (hp->state == HP_DEVICE && (h->change & HUB_PS_ENABLE) && !(h->status & HUB_PS_ENABLE)) {
		if (hp->child)
			usb_dev_unplug(hp->child);
		hp->child = NULL;
		if (++hp->disables > MAX_DISABLES) {
			printk(KERN_WARN "usb: %s port %u: disabled by the hub %u times: given up until "
			       "unplugged\n", d->name, p, hp->disables);
			hp->state = HP_FAILED;
			return;
		}
		printk(KERN_WARN "usb: %s port %u: disabled by the hub: enumerating again\n", d->name, p);
		hp->state = HP_EMPTY;
	}
	if (!connected) {
		hp->disables = 0;
		if (hp->state != HP_EMPTY) {
			hp->state = HP_EMPTY;
			return;
		}
	}
	/* gone and back since the last read, before the device was reached: the 100 ms of
	 * stable connection start again (USB 2.0 7.1.7.3) */
	if (reconnected && (hp->state == HP_DEBOUNCE || hp->state == HP_RESET || hp->state == HP_RECOVERY))
		hp->state = HP_EMPTY;
	switch (hp->state) {
	case HP_EMPTY:
		if (connected) {
			hp->state = HP_DEBOUNCE;
			hp->resets = 0;
			hp->deadline = hp->next_look = deadline_us(DEBOUNCE_US);
		}
		break;
	case HP_DEBOUNCE:
		if (deadline_passed(hp->deadline))
			port_reset(d, p);
		else
			hp->next_look = deadline_us(RESET_POLL_US);
		break;
	case HP_RESET:
		if ((h->status & HUB_PS_ENABLE) && !(h->status & HUB_PS_RESET)) {
			hp->state = HP_RECOVERY;
			hp->deadline = hp->next_look = deadline_us(RECOVERY_US);
		} else if (!(h->status & HUB_PS_RESET) && (h->change & HUB_PS_RESET)) {
			reset_failed(d, p, "port not enabled after reset"); /* C_PORT_RESET: it ended */
		} else if (deadline_passed(hp->deadline)) {
			reset_failed(d, p, "port reset did not finish in 500 ms");
		} else {
			hp->next_look = deadline_us(RESET_POLL_US);
		}
		break;
	case HP_RECOVERY:
		if (!deadline_passed(hp->deadline))
			break;
		speed = h->status & HUB_PS_LOW_SPEED ? USB_SPEED_LOW
			: h->status & HUB_PS_HIGH_SPEED ? USB_SPEED_HIGH : USB_SPEED_FULL;
		hp->child = usb_dev_new(d->hc, d, (uint8_t)p, speed);
		hp->state = hp->child ? HP_DEVICE : HP_FAILED;
		break;
	default:
		break;
	}
}

static bool timed(const struct hub_port *hp)
{
	return hp->state == HP_DEBOUNCE || hp->state == HP_RESET || hp->state == HP_RECOVERY ||
	       hp->state == HP_OVER_CURRENT || hp->state == HP_POWER_ON;
}

/*
 * GET_STATUS(port p) answered short (got bytes of 4): that port's failure, not the hub's.
 * It is read again, STATUS_TRIES times in a row at most, then given up: no longer read, its
 * changes ignored until the hub goes. A device already running there is kept (it needs
 * nothing from the port to work; its own transfers fail once it is pulled out); a port
 * still on its way to a device is disabled, so nothing half reset stays at address 0.
 */
static void port_status_short(struct usb_dev *d, unsigned int p, unsigned int got)
{
	struct usb_hub *h = d->hub;
	struct hub_port *hp = &h->port[p];

	if (++hp->short_reads < STATUS_TRIES) {
		h->need |= (uint16_t)(1u << p);
		return;
	}
	printk(KERN_WARN "usb: %s port %u: port status short (%u of 4 bytes) %u times in a row: "
	       "port given up, the other ports go on\n", d->name, p, got, hp->short_reads);
	h->ignored |= (uint16_t)(1u << p);
	h->need &= (uint16_t)~(1u << p);
	if (hp->state != HP_DEVICE)
		port_request(d, HUB_REQ_CLEAR_FEATURE, HUB_PORT_ENABLE, p, "CLEAR_FEATURE(PORT_ENABLE)");
	hp->state = HP_UNREADABLE;
}

/*
 * GET_STATUS(hub) answered short. Read again, STATUS_TRIES times in a row at most, then its
 * own status is no longer read: the hub and its ports go on. Why not refuse the hub, as a
 * short reply refuses most requests: the hub status holds only local power and a whole-hub
 * over-current (11.24.2.6), while every device behind it depends on the hub; Linux too only
 * logs a failed hub status and serves the ports. What is lost: the ports powered again
 * after a whole-hub over-current (a port's own over-current still shows in its status).
 */
static void hub_status_short(struct usb_dev *d, unsigned int got)
{
	struct usb_hub *h = d->hub;

	if (++h->hub_short_reads < STATUS_TRIES) {
		h->need |= 1u;
		return;
	}
	printk(KERN_WARN "usb: %s: hub status short (%u of 4 bytes) %u times in a row: no longer "
	       "read, its ports go on\n", d->name, got, h->hub_short_reads);
	h->ignored |= 1u;
	h->need &= (uint16_t)~1u;
}

/* The next port to look at: one marked by the hub, or one whose timer is due. */
static unsigned int next_port(struct usb_hub *h)
{
	for (unsigned int p = 1; p <= h->info.num_ports; p++) {
		struct hub_port *hp = &h->port[p];

		if ((h->need & (1u << p)) || (timed(hp) && deadline_passed(hp->next_look))) {
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

/* usb_hub_step - one class step (see the top comment). Tick context, d not busy. */
void usb_hub_step(struct usb_dev *d)
{
	struct usb_hub *h = d->hub;
	const char *why = NULL;
	unsigned int c;

	switch (h->state) {
	case H_DESC:
		xhci_control(d, HUB_RT_CLASS_DEV_IN, HUB_REQ_GET_DESCRIPTOR, USB_DT_HUB << 8, 0, HUB_DESC_ASK,
			     "GET_DESCRIPTOR(hub)");
		h->state = H_CONFIG_EP;
		return;
	case H_CONFIG_EP:
		/* (again when the command ring was busy: the same bytes parse the same) */
		if (!usb_dev_ok(d))
			return;
		if (usb_parse_hub_desc(d->buf, HUB_DESC_ASK - MIN(d->residual, HUB_DESC_ASK), false, &h->info, &why) < 0) {
			usb_dev_refuse(d, why);
			return;
		}
		if (usb_dev_configure_ep(d, &d->cfg.iface[d->iface].int_in, &h->info))
			h->state = H_POWER;
		return;
	case H_POWER:
		if (!usb_dev_ok(d))
			return;
		if (h->cur++ < h->info.num_ports) {
			port_request(d, HUB_REQ_SET_FEATURE, HUB_PORT_POWER, h->cur, "SET_FEATURE(PORT_POWER)");
			return;
		}
		d->wait_until = deadline_us(1000ull * MAX(h->info.power_on_ms, (uint16_t)HUB_MIN_POWER_MS));
		h->state = H_POWER_WAIT;
		return;
	case H_POWER_WAIT:
		if (!deadline_passed(d->wait_until))
			return;
		for (int i = 0; i < XHCI_INTR_QUEUED; i++)
			xhci_intr_queue(d);
		xhci_ring_doorbell(d->hc, d->slot, d->intr_dci);
		h->need = (uint16_t)(((1u << h->info.num_ports) - 1) << 1); /* look at every port once */
		printk(KERN_INFO "usb: %s: hub with %u ports ready\n", d->name, h->info.num_ports);
		h->state = H_RUN;
		return;
	case H_RUN:
		if (!usb_dev_ok(d))
			return;
		if (h->need & 1u) {
			h->need &= (uint16_t)~1u;
			xhci_control(d, HUB_RT_CLASS_DEV_IN, HUB_REQ_GET_STATUS, 0, 0, 4, "GET_STATUS(hub)");
			h->state = H_HUB_STATUS;
			return;
		}
		h->cur = next_port(h);
		if (!h->cur)
			return;
		xhci_control(d, HUB_RT_PORT_IN, HUB_REQ_GET_STATUS, 0, (uint16_t)h->cur, 4, "GET_STATUS(port)");
		h->state = H_STATUS;
		return;
	case H_STATUS:
		if (!usb_dev_ok(d))
			return;
		if (d->residual) {
			h->state = H_RUN;
			port_status_short(d, h->cur, 4 - MIN(d->residual, 4u));
			return;
		}
		h->port[h->cur].short_reads = 0;
		h->status = (uint16_t)(d->buf[0] | d->buf[1] << 8);
		h->change = (uint16_t)(d->buf[2] | d->buf[3] << 8) & HUB_CHANGE_MASK;
		h->to_clear = h->change;
		h->state = H_CLEAR;
		/* fall through */
	case H_CLEAR:
		if (!usb_dev_ok(d))
			return;
		if (h->to_clear) {
			c = (unsigned int)__builtin_ctz(h->to_clear);
			h->to_clear &= (uint16_t)~(1u << c);
			port_request(d, HUB_REQ_CLEAR_FEATURE, (uint16_t)(HUB_C_PORT_CONNECTION + c), h->cur,
				     "CLEAR_FEATURE(port change)");
			return;
		}
		port_update(d, h->cur);
		h->state = H_RUN;
		return;
	case H_HUB_STATUS:
		if (!usb_dev_ok(d))
			return;
		if (d->residual) {
			h->state = H_RUN;
			hub_status_short(d, 4 - MIN(d->residual, 4u));
			return;
		}
		h->hub_short_reads = 0;
		h->status = (uint16_t)(d->buf[0] | d->buf[1] << 8);
		h->change = (uint16_t)(d->buf[2] | d->buf[3] << 8) & HUB_HUB_CHANGE_MASK;
		h->to_clear = h->change;
		h->state = H_HUB_CLEAR;
		/* fall through */
	case H_HUB_CLEAR:
		if (!usb_dev_ok(d))
			return;
		if (h->to_clear) {
			c = (unsigned int)__builtin_ctz(h->to_clear);
			h->to_clear &= (uint16_t)~(1u << c);
			xhci_control(d, HUB_RT_HUB_OUT, HUB_REQ_CLEAR_FEATURE, (uint16_t)(HUB_C_HUB_LOCAL_POWER + c), 0, 0,
				     "CLEAR_FEATURE(hub change)");
			return;
		}
		h->state = H_RUN;
		hub_update(d);
		return;
	case H_REPOWER:
		if (!usb_dev_ok(d))
			return;
		while (h->cur < h->info.num_ports && h->port[h->cur + 1].state == HP_OFF)
			h->cur++; /* left off for its own over-currents */
		if (h->cur++ < h->info.num_ports) {
			port_request(d, HUB_REQ_SET_FEATURE, HUB_PORT_POWER, h->cur, "SET_FEATURE(PORT_POWER)");
			return;
		}
		d->wait_until = deadline_us(1000ull * MAX(h->info.power_on_ms, (uint16_t)HUB_MIN_POWER_MS));
		h->state = H_REPOWER_WAIT;
		return;
	case H_REPOWER_WAIT:
		if (!usb_dev_ok(d) || !deadline_passed(d->wait_until))
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
		if (timed(&h->port[p]) && h->port[p].state != HP_OVER_CURRENT)
			return false;
	return true;
}
