// SPDX-License-Identifier: MIT
/*
 * Root hub ports (xHCI 1.2 section 4.19, USB 2.0 section 7.1.7.3 for the timings). Each
 * port runs a small state machine from the tick: a connection is debounced for 100 ms,
 * started again when a connect status change (a bounce) comes meanwhile; then a USB 2 port
 * is reset (PR) while a USB 3 port trains its link by itself; once the port is enabled
 * and 10 ms of reset recovery have passed, the speed in PORTSC names the device's speed
 * and enumeration starts (usb_enum.c). A USB 2 reset that does not finish in 500 ms,
 * or ends with the port not enabled, is tried again, USB2_RESET_TRIES in all (as Linux does
 * on real ports), then the port waits for a disconnect. A disconnect (CCS clear, or a new
 * connect change) tears the device down. Ports are scanned every PORT_SCAN_MS and at once
 * on a Port Status Change event; QEMU only posts those while running, so the scan also finds
 * devices that were there before the controller started.
 *
 * A USB 2 port the controller disabled under its device because of a port error (PED
 * cleared with PEC set, xHCI 1.2 section 5.4.8; USB 2.0 11.8.1: babble or a bus stuck at
 * the end of a frame, as interference causes) while the device stays connected is
 * enumerated again, as a hub's port is (usb_hub_port.c), USB_PORT_MAX_DISABLES times at most;
 * then the port is given up with a line until the device is unplugged.
 *
 * A USB 3 link that ends in SS.Inactive or Compliance Mode (a failed training, a marginal
 * cable) stays there until a warm reset (xHCI 1.2 section 4.19.1.2: WPR, then WRC and PRC
 * set when it is done): the port gets one, and a device found after it is enumerated. At
 * most WARM_RESET_TRIES before a device is found again; then the port is left alone, with a
 * line naming it, until the device is unplugged (the link out of its stuck state, nothing
 * connected): a device plugged in then gets WARM_RESET_TRIES of its own.
 *
 * Over-current (xHCI 1.2 section 4.19.4): the controller turns the port's power off (PP
 * clear, with port power control) and sets OCC; the device is gone. Once Over-current
 * Active has cleared and stayed clear for 100 ms the port is powered again and its device,
 * still plugged in, connects anew. A port whose over-current keeps coming back
 * (usb_oc_give_up: USB_OC_MAX_TRIES times in a row) is left unpowered with a line naming it.
 *
 * PORTSC writes are built from XHCI_PORTSC_KEEP plus the bits meant: writing back what was
 * read would disable the port (PED is RW1C-like) and acknowledge changes we never saw.
 */
#include <lios/printk.h>
#include <lios/time.h>
#include "usb_internal.h"

#define DEBOUNCE_US 100000
#define RECOVERY_US 10000
#define USB2_RESET_TIMEOUT_US 500000
#define USB3_TRAIN_TIMEOUT_US 1000000
#define PORT_SCAN_TICKS 10        /* at the 1 kHz tick: every 10 ms */
#define WARM_RESET_TIMEOUT_US 500000
#define WARM_RESET_TRIES 3
#define USB2_RESET_TRIES 3
#define USB_PORT_MAX_DISABLES 3 /* port errors under one device before it is given up */

static uint32_t portsc(struct xhci *hc, unsigned int p) { return xhci_read(hc, hc->op + XHCI_PORTSC(p)); }

static void portsc_write(struct xhci *hc, unsigned int p, uint32_t read, uint32_t set)
{
	xhci_write(hc, hc->op + XHCI_PORTSC(p), (read & XHCI_PORTSC_KEEP) | set);
}

/* The USB 2 reset of port p failed (why; v is its PORTSC): reset again, USB2_RESET_TRIES
 * in all, then the port waits for its device to be unplugged. */
static void reset_failed(struct xhci *hc, unsigned int p, uint32_t v, const char *why)
{
	struct xhci_port *pt = &hc->port[p];
	char reason[USB_REFUSED_WHY_SIZE];

	if (pt->resets < USB2_RESET_TRIES) {
		printk(KERN_WARN "usb: %s port %u: %s (try %u of %u): resetting again\n", hc->name, p, why,
		       pt->resets, USB2_RESET_TRIES);
		portsc_write(hc, p, v, (v & XHCI_PORTSC_PRC) | XHCI_PORTSC_PR);
		pt->resets++;
		pt->deadline = deadline_us(USB2_RESET_TIMEOUT_US);
		return;
	}
	printk(KERN_WARN "usb: %s port %u: %s (try %u of %u): given up until unplugged\n", hc->name, p, why,
	       pt->resets, USB2_RESET_TRIES);
	/* under the name its device would have had: `usb` lists why nothing is there */
	ksnprintf(reason, sizeof(reason), "port given up: %s, %u times: until unplugged", why, pt->resets);
	usb_refused_port(hc, NULL, p, reason);
	pt->state = PORT_FAILED;
}

/* xhci_ports_start - power every port (ports without power control ignore it). */
void xhci_ports_start(struct xhci *hc)
{
	for (unsigned int p = 1; p <= hc->max_ports; p++) {
		uint32_t v = portsc(hc, p);

		hc->port[p].state = PORT_EMPTY;
		if (!(v & XHCI_PORTSC_PP))
			portsc_write(hc, p, v, XHCI_PORTSC_PP);
	}
}

/* xhci_port_changed - a Port Status Change event: look at that port on this tick. */
void xhci_port_changed(struct xhci *hc, unsigned int port)
{
	if (port >= 1 && port <= hc->max_ports)
		hc->ticks = 0; /* the next xhci_ports_poll scans */
}

/* xhci_port_device_failed - the device on port was refused: wait for its disconnect. */
void xhci_port_device_failed(struct xhci *hc, unsigned int port)
{
	if (port >= 1 && port <= hc->max_ports) {
		hc->port[port].state = PORT_FAILED;
		hc->port[port].dev = NULL;
	}
}

static bool is_usb3(const struct xhci *hc, unsigned int p) { return hc->port[p].major == 3; }

/*
 * xhci_port_device_retry - the device on USB 2 root port port was refused for a request
 * that failed before its class driver: while the port has tries left (USB_ENUM_TRIES) it
 * is debounced and reset again and the device enumerated anew. Returns the number of the
 * try to come, or 0 when there is none (a USB 3 port, whose link trains by itself, or the
 * tries used up: xhci_port_device_failed then follows). Tick context.
 */
unsigned int xhci_port_device_retry(struct xhci *hc, unsigned int port)
{
	struct xhci_port *pt;

	if (port < 1 || port > hc->max_ports || is_usb3(hc, port))
		return 0;
	pt = &hc->port[port];
	if (++pt->enum_fails >= USB_ENUM_TRIES)
		return 0;
	pt->dev = NULL;
	pt->state = PORT_DEBOUNCE;
	pt->deadline = deadline_us(DEBOUNCE_US);
	return pt->enum_fails + 1;
}

static bool link_stuck(uint32_t v)
{
	return XHCI_PORTSC_PLS(v) == XHCI_PLS_INACTIVE || XHCI_PORTSC_PLS(v) == XHCI_PLS_COMPLIANCE;
}

static const char *link_name(uint32_t v)
{
	return XHCI_PORTSC_PLS(v) == XHCI_PLS_INACTIVE ? "SS.Inactive" : "Compliance Mode";
}

/* USB 3 port p's link is stuck (PORTSC v): a warm reset, or give up after WARM_RESET_TRIES. */
static void warm_reset(struct xhci *hc, unsigned int p, uint32_t v)
{
	struct xhci_port *pt = &hc->port[p];

	if (pt->dev)
		usb_dev_unplug(pt->dev); /* a link that fell there lost its device */
	pt->dev = NULL;
	if (pt->warm_resets >= WARM_RESET_TRIES) {
		printk(KERN_WARN "usb: %s port %u: link still in %s after %u warm resets: left alone\n",
		       hc->name, p, link_name(v), pt->warm_resets);
		pt->warm_resets++; /* said once */
		pt->state = PORT_EMPTY;
		return;
	}
	pt->warm_resets++;
	printk(KERN_INFO "usb: %s port %u: link in %s: warm reset\n", hc->name, p, link_name(v));
	portsc_write(hc, p, v, (v & XHCI_PORTSC_CHANGES) | XHCI_PORTSC_WPR);
	pt->state = PORT_WARM_RESET;
	pt->deadline = deadline_us(WARM_RESET_TIMEOUT_US);
}

/* See usb_internal.h. */
bool usb_oc_give_up(struct usb_oc_count *c)
{
	if (deadline_passed(c->forget))
		c->n = 0;
	c->forget = deadline_us(USB_OC_FORGET_US);
	return ++c->n > USB_OC_MAX_TRIES;
}

/* Over-current on port p (PORTSC v): its device is gone; wait for the condition to end, or
 * give the port up when it keeps coming back. */
static void over_current(struct xhci *hc, unsigned int p, uint32_t v)
{
	struct xhci_port *pt = &hc->port[p];

	portsc_write(hc, p, v, v & XHCI_PORTSC_CHANGES);
	if (pt->dev)
		usb_dev_unplug(pt->dev);
	pt->dev = NULL;
	if (usb_oc_give_up(&pt->oc)) {
		printk(KERN_ERR "usb: %s port %u: over-current %u times in a row: left unpowered\n", hc->name,
		       p, pt->oc.n);
		pt->state = PORT_OFF;
		return;
	}
	printk(KERN_WARN "usb: %s port %u: over-current: powered off until it ends\n", hc->name, p);
	pt->state = PORT_OVERCURRENT;
	pt->deadline = 0; /* not ended yet */
}

/* Acknowledge the changes PORTSC v shows on port p, if it shows any. */
static void ack_changes(struct xhci *hc, unsigned int p, uint32_t v)
{
	if (v & XHCI_PORTSC_CHANGES)
		portsc_write(hc, p, v, v & XHCI_PORTSC_CHANGES);
}

/* Over-current, or a USB 3 link stuck until a warm reset, on port p (PORTSC v): handled
 * ahead of the port's state; false when neither is new (or the warm resets are used up). */
static bool fault_handled(struct xhci *hc, unsigned int p, uint32_t v)
{
	struct xhci_port *pt = &hc->port[p];

	if ((v & (XHCI_PORTSC_OCC | XHCI_PORTSC_OCA)) && pt->state != PORT_OVERCURRENT &&
	    pt->state != PORT_OFF) {
		over_current(hc, p, v);
		return true;
	}
	if (is_usb3(hc, p) && link_stuck(v) && pt->state != PORT_WARM_RESET && pt->state != PORT_OVERCURRENT &&
	    pt->state != PORT_OFF && pt->warm_resets <= WARM_RESET_TRIES) {
		warm_reset(hc, p, v);
		return true;
	}
	return false;
}

/* Port p (PORTSC v) connected for DEBOUNCE_US: a USB 2 port is reset (try 1 of
 * USB2_RESET_TRIES), a USB 3 link trains by itself; either has its deadline. */
static void start_reset(struct xhci *hc, unsigned int p, uint32_t v)
{
	struct xhci_port *pt = &hc->port[p];

	pt->state = PORT_RESETTING;
	if (is_usb3(hc, p)) {
		pt->deadline = deadline_us(USB3_TRAIN_TIMEOUT_US);
	} else {
		pt->deadline = deadline_us(USB2_RESET_TIMEOUT_US);
		pt->resets = 1;
		portsc_write(hc, p, v, XHCI_PORTSC_PR);
	}
}

/* PORT_RESETTING, still connected (PORTSC v): an enabled port goes to reset recovery; a USB 2
 * reset that ended with the port disabled, or timed out, is retried (reset_failed); a USB 3
 * link not trained in time leaves the port failed until a disconnect. */
static void check_reset(struct xhci *hc, unsigned int p, uint32_t v)
{
	struct xhci_port *pt = &hc->port[p];

	if ((v & XHCI_PORTSC_PED) && !(v & XHCI_PORTSC_PR)) {
		portsc_write(hc, p, v, v & XHCI_PORTSC_CHANGES);
		pt->state = PORT_RECOVERY;
		pt->deadline = deadline_us(RECOVERY_US);
	} else if (!is_usb3(hc, p) && (v & XHCI_PORTSC_PRC) && !(v & XHCI_PORTSC_PR)) {
		reset_failed(hc, p, v, "port not enabled after reset");
	} else if (deadline_passed(pt->deadline) && !is_usb3(hc, p)) {
		reset_failed(hc, p, v, "port reset did not finish in 500 ms");
	} else if (deadline_passed(pt->deadline)) {
		printk(KERN_WARN "usb: %s port %u: USB 3 link did not train in 1 s\n", hc->name, p);
		pt->state = PORT_FAILED;
	}
}

/* Reset recovery over on port p (PORTSC v): its device, at the speed PORTSC names, starts
 * enumerating; the port is refused when there is no memory for it. */
static void enumerate_device(struct xhci *hc, unsigned int p, uint32_t v)
{
	struct xhci_port *pt = &hc->port[p];

	pt->dev = usb_dev_new(hc, NULL, (uint8_t)p, (enum usb_speed)XHCI_PORTSC_SPEED(v));
	pt->state = pt->dev ? PORT_DEVICE : PORT_FAILED;
	if (pt->dev)
		pt->warm_resets = 0;
}

/* A disconnect or a new connection on port p (PORTSC v) with a device or a refused one:
 * changes acknowledged, a running device torn down, the port empty. */
static void port_disconnected(struct xhci *hc, unsigned int p, uint32_t v)
{
	struct xhci_port *pt = &hc->port[p];

	portsc_write(hc, p, v, v & XHCI_PORTSC_CHANGES);
	if (pt->state == PORT_DEVICE) {
		if (pt->dev)
			usb_dev_unplug(pt->dev);
		pt->dev = NULL;
	}
	pt->state = PORT_EMPTY;
}

/* PORT_DEVICE (PORTSC v), still connected: the controller disabled the port under its
 * device (a port error, PEC). The device is let go and, unless that happened too often
 * under this connection, the port starts again from its debounce; else it is given up. */
static void port_error_disabled(struct xhci *hc, unsigned int p, uint32_t v)
{
	struct xhci_port *pt = &hc->port[p];
	char reason[80];

	portsc_write(hc, p, v, v & XHCI_PORTSC_CHANGES);
	if (pt->dev)
		usb_dev_unplug(pt->dev);
	pt->dev = NULL;
	if (++pt->disables > USB_PORT_MAX_DISABLES) {
		printk(KERN_WARN "usb: %s port %u: disabled by a port error %u times: given up "
				 "until unplugged\n",
		       hc->name, p, pt->disables);
		ksnprintf(reason, sizeof(reason),
			  "port given up: disabled by a port error %u times: until unplugged",
			  pt->disables);
		usb_refused_port(hc, NULL, p, reason);
		pt->state = PORT_FAILED;
		return;
	}
	printk(KERN_WARN "usb: %s port %u: disabled by a port error: enumerating again\n", hc->name,
	       p);
	pt->state = PORT_EMPTY;
}

/* PORT_OVERCURRENT (PORTSC v): once Over-current Active has stayed clear for
 * USB_OC_REPOWER_US the port is powered again and empty, its device to connect anew. */
static void check_over_current_end(struct xhci *hc, unsigned int p, uint32_t v)
{
	struct xhci_port *pt = &hc->port[p];

	ack_changes(hc, p, v);
	if (v & XHCI_PORTSC_OCA) {
		pt->deadline = 0;
	} else if (!pt->deadline) { /* seen ended: power in 100 ms if it stays so */
		pt->deadline = deadline_us(USB_OC_REPOWER_US);
	} else if (deadline_passed(pt->deadline)) {
		printk(KERN_INFO "usb: %s port %u: over-current ended: powered again\n", hc->name, p);
		if (!(v & XHCI_PORTSC_PP))
			portsc_write(hc, p, v, XHCI_PORTSC_PP);
		pt->state = PORT_EMPTY;
	}
}

/* PORT_WARM_RESET (PORTSC v): when the reset is done an enabled device goes on as after a
 * port reset, else the port is empty; so too, with a line, after WARM_RESET_TIMEOUT_US. */
static void check_warm_reset_end(struct xhci *hc, unsigned int p, uint32_t v)
{
	struct xhci_port *pt = &hc->port[p];
	bool connected = v & XHCI_PORTSC_CCS;

	if ((v & (XHCI_PORTSC_WRC | XHCI_PORTSC_PRC)) && !(v & XHCI_PORTSC_PR)) {
		portsc_write(hc, p, v, v & XHCI_PORTSC_CHANGES);
		/* a device there now is enabled: on as after a reset; else wait for one */
		pt->state = connected && (v & XHCI_PORTSC_PED) ? PORT_RECOVERY : PORT_EMPTY;
		pt->deadline = deadline_us(RECOVERY_US);
	} else if (deadline_passed(pt->deadline)) {
		printk(KERN_WARN "usb: %s port %u: warm reset did not finish in 500 ms\n", hc->name, p);
		pt->state = PORT_EMPTY;
	}
}

/* One look at root port p: its faults first, then what its state makes of PORTSC. */
static void port_step(struct xhci *hc, unsigned int p)
{
	struct xhci_port *pt = &hc->port[p];
	uint32_t v = portsc(hc, p);
	bool connected = v & XHCI_PORTSC_CCS;

	if (v == 0xffffffffu || fault_handled(hc, p, v))
		return;
	if (!connected)
		pt->disables = 0; /* counted per connection */
	/* given up on warm resets, the port is no longer touched: a link that left its stuck
	 * state for no connection lost its device, and the next one gets warm resets anew
	 * (not so while they run: a link passing through RxDetect between two of them would
	 * have them go on for ever) */
	if (!connected && !link_stuck(v) && pt->warm_resets > WARM_RESET_TRIES)
		pt->warm_resets = 0;
	/* gone before its device was reached: the port waits for the next one */
	if (!connected &&
	    (pt->state == PORT_DEBOUNCE || pt->state == PORT_RESETTING || pt->state == PORT_RECOVERY)) {
		pt->state = PORT_EMPTY;
		return;
	}
	switch (pt->state) {
	case PORT_EMPTY:
		ack_changes(hc, p, v);
		if (connected) {
			pt->enum_fails = 0;
			pt->state = PORT_DEBOUNCE;
			pt->deadline = deadline_us(DEBOUNCE_US);
		}
		break;
	case PORT_DEBOUNCE:
		if (v & XHCI_PORTSC_CSC) {
			/* gone and back since the connect was seen (CSC was acknowledged then):
			 * the 100 ms of stable connection start again (USB 2.0 7.1.7.3) */
			portsc_write(hc, p, v, XHCI_PORTSC_CSC);
			pt->deadline = deadline_us(DEBOUNCE_US);
		} else if (deadline_passed(pt->deadline)) {
			start_reset(hc, p, v);
		}
		break;
	case PORT_RESETTING:
		check_reset(hc, p, v);
		break;
	case PORT_RECOVERY:
		if (deadline_passed(pt->deadline))
			enumerate_device(hc, p, v);
		break;
	case PORT_DEVICE:
	case PORT_FAILED:
		if (!connected || (v & XHCI_PORTSC_CSC))
			port_disconnected(hc, p, v);
		else if (pt->state == PORT_DEVICE && (v & XHCI_PORTSC_PEC) &&
			 !(v & XHCI_PORTSC_PED))
			port_error_disabled(hc, p, v);
		break;
	case PORT_OVERCURRENT:
		check_over_current_end(hc, p, v);
		break;
	case PORT_OFF:
		ack_changes(hc, p, v);
		break;
	case PORT_WARM_RESET:
		check_warm_reset_end(hc, p, v);
		break;
	}
}

/* xhci_ports_poll - step the ports: every PORT_SCAN_TICKS calls, or at once after a port
 * change event, or while some port is in a timed state. Tick context. */
void xhci_ports_poll(struct xhci *hc)
{
	bool timed = false;

	for (unsigned int p = 1; p <= hc->max_ports; p++) {
		enum xhci_port_state s = hc->port[p].state;

		if (s == PORT_DEBOUNCE || s == PORT_RESETTING || s == PORT_RECOVERY || s == PORT_WARM_RESET)
			timed = true;
	}
	if (!timed && hc->ticks++ % PORT_SCAN_TICKS)
		return;
	for (unsigned int p = 1; p <= hc->max_ports; p++)
		port_step(hc, p);
}

/* xhci_port_state_name - for the `usb` listing. */
const char *xhci_port_state_name(enum xhci_port_state s)
{
	static const char *const names[] = {"empty",  "debounce", "reset", "recovery", "device", "refused",
					    "over-current", "off (over-current)", "warm reset"};

	return (unsigned int)s < ARRAY_SIZE(names) ? names[s] : "?";
}
