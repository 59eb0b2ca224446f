// SPDX-License-Identifier: MIT
/*
 * One port of a USB 2 hub (USB 2.0 11.24.2.7), for usb_hub.c: what each look at its status
 * means. Debounce 100 ms, SET_FEATURE(PORT_RESET), wait until enabled, 10 ms recovery, then
 * the child enumerates like any device (usb_enum.c) with the route string and, behind a
 * high-speed hub, the transaction translator this hub provides.
 *
 * Forgiveness, as Linux's hub driver on real hubs: a port reset that does not finish in
 * 500 ms, ends with the port not enabled, or whose SET_FEATURE(PORT_RESET) fails, is tried
 * again, RESET_TRIES times in all, and only then is the port given up (disabled, waiting
 * for a disconnect). A look at a port that fails (GET_STATUS short or failed, a change bit
 * not cleared) is made again, STATUS_TRIES times in a row, and then that port alone is
 * given up: the other ports go on. A port given up is kept in the controller's record of
 * refused devices under the name its device would have had (usb_list.c), so `usb` says why.
 *
 * A connection change seen again during the debounce, the reset or its recovery starts the
 * debounce afresh (7.1.7.3: the interval restarts after a disconnect). A port the hub has
 * disabled under its device (C_PORT_ENABLE after a port error, 11.24.2.7.2.2) while the
 * device is still connected is enumerated again, MAX_DISABLES times at most.
 *
 * Over-current (11.24.2.7.1.4): the hub turns the port's power off and sets
 * C_PORT_OVER_CURRENT; its device is gone. The port is looked at every 100 ms until
 * PORT_OVER_CURRENT has cleared and stayed clear for 100 ms, then SET_FEATURE(PORT_POWER),
 * the hub's power-on time, and a look for the device that is still plugged in. A port whose
 * over-current keeps coming back is left unpowered with a line naming it (usb_oc_give_up).
 * Tick context throughout; one request at a time, as the hub's state machine sends them.
 */
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/time.h>
#include "usb_hub.h"

/* usb_hub_port_request - a class request to port p of hub d, remembered as kind (R_*)
 * for hub_ok (usb_hub.c). Tick context, d not busy. */
void usb_hub_port_request(struct usb_dev *d, uint8_t kind, uint8_t req, uint16_t feature,
			  unsigned int p, const char *op)
{
	d->hub->req = kind;
	d->hub->req_port = (uint8_t)p;
	xhci_control(d, HUB_RT_PORT_OUT, req, feature, (uint16_t)p, 0, op);
}

/* The device on hp (if any) is gone: unplugged, with everything behind it. */
static void unplug_child(struct hub_port *hp)
{
	if (hp->child)
		usb_dev_unplug(hp->child);
	hp->child = NULL;
}

/* Over-current on port p: its child is gone; wait for the condition to end, or give the
 * port up when it keeps coming back. */
static void over_current(struct usb_dev *d, unsigned int p)
{
	struct hub_port *hp = &d->hub->port[p];

	unplug_child(hp);
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
			printk(KERN_INFO "usb: %s port %u: over-current ended: powered again\n",
			       d->name, p);
			usb_hub_port_request(d, R_PORT_POWER, HUB_REQ_SET_FEATURE, HUB_PORT_POWER,
					     p, "SET_FEATURE(PORT_POWER)");
			hp->state = HP_POWER_ON;
			hp->deadline = hp->next_look = usb_hub_power_on_deadline(h);
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

	usb_hub_port_request(d, R_PORT_RESET, HUB_REQ_SET_FEATURE, HUB_PORT_RESET, p,
			     "SET_FEATURE(PORT_RESET)");
	hp->resets++;
	hp->state = HP_RESET;
	hp->deadline = deadline_us(RESET_TIMEOUT_US);
	hp->next_look = deadline_us(RESET_POLL_US);
}

/* Port p given up (why, and what was done about it): kept in the controller's record of
 * refused devices under the name a device there would have, so `usb` says why nothing
 * works on that port. */
static void port_given_up(struct usb_dev *d, unsigned int p, const char *why, unsigned int tries,
			  const char *then)
{
	char reason[USB_REFUSED_WHY_SIZE];

	ksnprintf(reason, sizeof(reason), "port given up: %s, %u times: %s", why, tries, then);
	usb_refused_port(d->hc, d, p, reason);
}

/*
 * usb_hub_port_reset_failed - the reset of port p of hub d failed (why): reset again, or,
 * once RESET_TRIES resets have failed, the port is disabled and given up until its device
 * is unplugged (a port left enabled with a device that never got an address would answer
 * the next one's address 0 too).
 * A USB 2 hub times the reset signal itself (USB 2.0 11.24.2.7.1.5), so a later try cannot
 * ask for a longer reset; each try keeps the whole 500 ms to finish.
 */
void usb_hub_port_reset_failed(struct usb_dev *d, unsigned int p, const char *why)
{
	struct hub_port *hp = &d->hub->port[p];

	if (hp->resets < RESET_TRIES) {
		printk(KERN_WARN "usb: %s port %u: %s (try %u of %u): resetting again\n", d->name,
		       p, why, hp->resets, RESET_TRIES);
		port_reset(d, p);
		return;
	}
	printk(KERN_WARN
	       "usb: %s port %u: %s (try %u of %u): port disabled, given up until unplugged\n",
	       d->name, p, why, hp->resets, RESET_TRIES);
	port_given_up(d, p, why, hp->resets, "disabled until unplugged");
	usb_hub_port_request(d, R_PORT_DISABLE, HUB_REQ_CLEAR_FEATURE, HUB_PORT_ENABLE, p,
			     "CLEAR_FEATURE(PORT_ENABLE)");
	hp->state = HP_FAILED;
}

/*
 * The hub disabled port p under its device (a port error, 11.24.2.7.2.2: babble, noise) and
 * the device is still there: unreachable now, so it is enumerated again, as if plugged in
 * afresh (HP_EMPTY). A port that keeps doing it is given up (HP_FAILED): false.
 */
static bool disabled_by_hub(struct usb_dev *d, unsigned int p)
{
	struct hub_port *hp = &d->hub->port[p];

	unplug_child(hp);
	if (++hp->disables > MAX_DISABLES) {
		printk(KERN_WARN
		       "usb: %s port %u: disabled by the hub %u times: given up until unplugged\n",
		       d->name, p, hp->disables);
		hp->state = HP_FAILED;
		return false;
	}
	printk(KERN_WARN "usb: %s port %u: disabled by the hub: enumerating again\n", d->name, p);
	hp->state = HP_EMPTY;
	return true;
}

/*
 * What the connection and enable bits just read mean for port p before its own state runs:
 * a device unplugged or plugged in again is let go, one the hub disabled is enumerated
 * again, a connection lost on the way to a device starts afresh. False: the look ends here.
 */
static bool connection_update(struct usb_dev *d, unsigned int p)
{
	struct usb_hub *h = d->hub;
	struct hub_port *hp = &h->port[p];
	bool connected = h->status & HUB_PS_CONNECTION;
	bool reconnected = h->change & HUB_PS_CONNECTION;

	if ((hp->state == HP_DEVICE || hp->state == HP_FAILED) && (!connected || reconnected)) {
		unplug_child(hp);
		hp->state = HP_EMPTY;
	}
	if (hp->state == HP_DEVICE && (h->change & HUB_PS_ENABLE) && !(h->status & HUB_PS_ENABLE) &&
	    !disabled_by_hub(d, p))
		return false;
	if (!connected) {
		hp->disables = 0;
		if (hp->state != HP_EMPTY) {
			hp->state = HP_EMPTY;
			return false;
		}
	}
	/* gone and back since the last read, before the device was reached: the 100 ms of
	 * stable connection start again (USB 2.0 7.1.7.3) */
	if (reconnected && (hp->state == HP_DEBOUNCE || hp->state == HP_RESET ||
			    hp->state == HP_RECOVERY || hp->state == HP_DISABLE))
		hp->state = HP_EMPTY;
	return true;
}

/* A look at port p while its reset runs: enabled and out of reset, the recovery wait; the
 * reset ended without enabling or not in 500 ms, a failed try; else looked at again soon. */
static void reset_update(struct usb_dev *d, unsigned int p)
{
	struct usb_hub *h = d->hub;
	struct hub_port *hp = &h->port[p];

	if ((h->status & HUB_PS_ENABLE) && !(h->status & HUB_PS_RESET)) {
		hp->state = HP_RECOVERY;
		hp->deadline = hp->next_look = deadline_us(RECOVERY_US);
	} else if (!(h->status & HUB_PS_RESET) && (h->change & HUB_PS_RESET)) {
		usb_hub_port_reset_failed(
			d, p, "port not enabled after reset"); /* C_PORT_RESET: it ended */
	} else if (deadline_passed(hp->deadline)) {
		usb_hub_port_reset_failed(d, p, "port reset did not finish in 500 ms");
	} else {
		hp->next_look = deadline_us(RESET_POLL_US);
	}
}

/* Port p has recovered from its reset: its device enumerates at the speed the status
 * names (HP_DEVICE), or, when it cannot be had, the port waits for a disconnect. */
static void child_new(struct usb_dev *d, unsigned int p)
{
	struct usb_hub *h = d->hub;
	struct hub_port *hp = &h->port[p];
	enum usb_speed speed;

	speed = h->status & HUB_PS_LOW_SPEED    ? USB_SPEED_LOW
		: h->status & HUB_PS_HIGH_SPEED ? USB_SPEED_HIGH
						: USB_SPEED_FULL;
	hp->child = usb_dev_new(d->hc, d, (uint8_t)p, speed);
	hp->state = hp->child ? HP_DEVICE : HP_FAILED;
}

/* usb_hub_port_update - what the status just read (d->hub->status, ->change) means for port
 * p, its changes acknowledged already; may send one request. Tick context. */
void usb_hub_port_update(struct usb_dev *d, unsigned int p)
{
	struct usb_hub *h = d->hub;
	struct hub_port *hp = &h->port[p];

	if ((h->change | h->status) & HUB_PS_OVER_CURRENT && hp->state != HP_OVER_CURRENT &&
	    hp->state != HP_OFF) {
		over_current(d, p);
		return;
	}
	if (over_current_update(d, p) || !connection_update(d, p))
		return;
	switch (hp->state) {
	case HP_EMPTY:
		if (h->status & HUB_PS_CONNECTION) {
			hp->state = HP_DEBOUNCE;
			hp->resets = 0;
			hp->enum_fails = 0;
			hp->deadline = hp->next_look = deadline_us(DEBOUNCE_US);
		}
		break;
	case HP_DEBOUNCE:
		/* the reset puts the device at address 0: not while another device behind this
		 * root port is there */
		if (deadline_passed(hp->deadline) && !usb_address0_busy(d, p)) {
			hp->resets = 0;
			port_reset(d, p);
		} else {
			hp->next_look = deadline_us(RESET_POLL_US);
		}
		break;
	case HP_RESET:
		reset_update(d, p);
		break;
	case HP_RECOVERY:
		if (deadline_passed(hp->deadline))
			child_new(d, p);
		break;
	case HP_DISABLE:
		usb_hub_port_request(d, R_PORT_DISABLE, HUB_REQ_CLEAR_FEATURE, HUB_PORT_ENABLE, p,
				     "CLEAR_FEATURE(PORT_ENABLE)");
		hp->state = hp->again ? HP_DEBOUNCE : HP_FAILED;
		hp->deadline = hp->next_look = deadline_us(DEBOUNCE_US);
		break;
	default:
		break;
	}
}

/* usb_hub_port_timed - hp waits for time (debounce, reset, recovery, over-current, power-on):
 * looked at again when its next_look is due. */
bool usb_hub_port_timed(const struct hub_port *hp)
{
	return hp->state == HP_DEBOUNCE || hp->state == HP_RESET || hp->state == HP_RECOVERY ||
	       hp->state == HP_OVER_CURRENT || hp->state == HP_POWER_ON || hp->state == HP_DISABLE;
}

/*
 * usb_address0_busy - whether a device behind the root port of hub d, other than one on
 * d's port p, may now answer the default address 0: a hub port being reset or in its reset
 * recovery, one to be disabled under a device refused without an address, or a device
 * behind a hub whose Address Device has not completed. A USB 2 hub repeats what the host
 * sends to every enabled port below it (USB 2.0 11.1.2.1), so two devices at address 0
 * behind one root port would both take the SET_ADDRESS the controller sends for one of
 * them (Linux holds its address0_mutex from a port's reset to the device's address for
 * this). Devices on root ports never count: each root port is a bus of its own, and the
 * controller addresses a device through its root port (xHCI 1.2 4.3.4). Tick context.
 */
bool usb_address0_busy(const struct usb_dev *d, unsigned int p)
{
	for (const struct usb_dev *e = usb_dev_list(); e; e = e->next) {
		if (e->hc != d->hc || e->root_port != d->root_port)
			continue;
		if (e->parent && !e->failed && !e->gone && !usb_dev_addressed(e))
			return true;
		for (unsigned int q = 1; q <= usb_hub_port_count(e); q++) {
			int st = e->hub->port[q].state;

			if ((e != d || q != p) &&
			    (st == HP_RESET || st == HP_RECOVERY || st == HP_DISABLE))
				return true;
		}
	}
	return false;
}

/*
 * usb_hub_port_look_failed - a look at port p of hub d failed (what: its GET_STATUS answered
 * short or failed, or a change bit could not be cleared): that port's failure, not the
 * hub's. Read again, STATUS_TRIES looks in a row at most; then the port is given up: no
 * longer read, its changes ignored until the hub goes. A device already running there is
 * kept (it needs nothing from the port to work; its own transfers fail once it is pulled
 * out); a port still on its way to a device is disabled, so nothing half reset stays at
 * address 0. True when p was given up (then a request may be in flight). Tick context.
 */
bool usb_hub_port_look_failed(struct usb_dev *d, unsigned int p, const char *what)
{
	struct usb_hub *h = d->hub;
	struct hub_port *hp = &h->port[p];

	if (++hp->fails < STATUS_TRIES) {
		h->need |= (uint16_t)(1u << p);
		return false;
	}
	printk(KERN_WARN
	       "usb: %s port %u: %s %u times in a row: port given up, the other ports go on\n",
	       d->name, p, what, hp->fails);
	h->ignored |= (uint16_t)(1u << p);
	h->need &= (uint16_t) ~(1u << p);
	port_given_up(d, p, what, hp->fails,
		      hp->state == HP_DEVICE ? "no longer read" : "disabled");
	if (hp->state != HP_DEVICE)
		usb_hub_port_request(d, R_PORT_DISABLE, HUB_REQ_CLEAR_FEATURE, HUB_PORT_ENABLE, p,
				     "CLEAR_FEATURE(PORT_ENABLE)");
	hp->state = HP_UNREADABLE;
	return true;
}

/* usb_hub_port_count - ports of hub d (0 before its descriptor was read, or not a hub). */
unsigned int usb_hub_port_count(const struct usb_dev *d)
{
	return d->hub ? d->hub->info.num_ports : 0;
}

/*
 * usb_hub_port_state - for the `usb` listing: what port p of hub d is doing, and in *child
 * the device on it (NULL when none). Tick context, or interrupts off.
 */
const char *usb_hub_port_state(const struct usb_dev *d, unsigned int p,
			       const struct usb_dev **child)
{
	static const char *const names[] = {
		[HP_EMPTY] = "empty",
		[HP_DEBOUNCE] = "debounce",
		[HP_RESET] = "reset",
		[HP_RECOVERY] = "recovery",
		[HP_DEVICE] = "device",
		[HP_FAILED] = "refused",
		[HP_OVER_CURRENT] = "over-current",
		[HP_POWER_ON] = "powering on",
		[HP_OFF] = "off (over-current)",
		[HP_UNREADABLE] = "given up (unreadable)",
		[HP_DISABLE] = "disabling",
	};
	const struct hub_port *hp;

	*child = NULL;
	if (!d->hub || p < 1 || p > d->hub->info.num_ports)
		return "?";
	hp = &d->hub->port[p];
	*child = hp->child;
	return (unsigned int)hp->state < ARRAY_SIZE(names) ? names[hp->state] : "?";
}
