// SPDX-License-Identifier: MIT
/*
 * A controller's health, and the way back from a fatal error. Every HEALTH_CHECK_TICKS
 * ticks USBSTS is read: all ones means the controller is gone (a surprise removal, a dock
 * unplugged) and it is never touched again; Host System Error or Host Controller Error
 * (xHCI 1.2, 4.24.1 and 5.4.2: the controller stops, "software should reset it") starts a
 * recovery, and so does a command ring that an abort did not stop within 5 s (xhci_ring.c:
 * every later command would wait behind it), so that a keyboard on a machine whose only way
 * in is USB comes back instead of going deaf until the next boot:
 *
 *   start   halt the controller (Run/Stop off, HCHalted awaited: it must not write into
 *           memory about to be freed), unplug every device on it (hubs take their children;
 *           no Disable Slot: the slots die with the reset), give back the memory of those
 *           whose Disable Slot failed (usb_dev_free_held), forget the root ports' devices
 *   drain   wait, tick by tick, until the devices' teardown freed them all (1 s at most)
 *   reset   HCRST, then wait (tick by tick, 1 s at most, never touched within 1 ms) for
 *           HCRST and Controller Not Ready to clear
 *   run     give the old memory back, set the controller up afresh, power the ports and
 *           turn interrupts back on: the ports find their devices again and enumerate (a
 *           setup short of memory gives back what it got, never run on, and stops it)
 *
 * At most XHCI_MAX_RECOVERIES per controller and boot: a controller that keeps failing is
 * stopped ("STOPPED" in `usb`), as one that does not reset in time; their devices are gone
 * (keyboards unregistered). One that does not even halt keeps its devices and their memory:
 * it may still write there; its keyboards release their keys and stop repeating, and its
 * devices stay frozen where they were (usb_dev_step), not timed out and freed. The waits run
 * across ticks; only the halt at the start and xhci_setup's start (32 ms at most each)
 * busy-wait, in the tick. Host-tested with the simulated controller (test_xhci_health,
 * fuzz_xhci), which is why the per-controller tick (xhci_tick) lives here and not in usb.c.
 */
#include <lios/errno.h>
#include <lios/kmalloc.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/time.h>
#include "usb_internal.h"

#define HEALTH_CHECK_TICKS 100 /* USBSTS read every 100 ms at the 1 kHz tick */
#define RESET_SETTLE_US 1000   /* some Intel parts hang when touched within 1 ms of HCRST */
#define RESET_TIMEOUT_US 1000000
#define DRAIN_TIMEOUT_US 1000000 /* teardown without commands takes two ticks a device */

static bool has_devices(const struct xhci *hc)
{
	for (const struct usb_dev *d = usb_dev_list(); d; d = d->next)
		if (d->hc == hc)
			return true;
	return false;
}

static void give_up(struct xhci *hc, const char *why)
{
	printk(KERN_ERR "usb: %s: %s: stopped\n", hc->name, why);
	hc->recovery = XHCI_RECOVERY_NONE;
	hc->dead = true;
}

/* Every device on hc goes (hubs take their children; no Disable Slot: hc->dead is set),
 * and the root ports forget theirs; the devices held since their Disable Slot failed are
 * freed. Only once the controller cannot write into their memory any more: halted, or
 * gone. */
static void forget_devices(struct xhci *hc)
{
	/* the command in flight never completes now: its owner must not wait for it (its
	 * timeout runs in xhci_process_events, which a dead controller no longer gets) */
	if (hc->cmd_owner) {
		hc->cmd_owner->busy = false;
		hc->cmd_owner->cc = 0;
	}
	hc->cmd_owner = NULL;
	hc->cmd_busy = false;
	hc->cmd_aborting = false;
	hc->cmd_ring_stuck = false;
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		if (d->hc == hc && !d->parent)
			usb_dev_unplug(d);
	usb_dev_free_held(hc);
	for (unsigned int p = 1; p <= hc->max_ports; p++) {
		hc->port[p].dev = NULL;
		hc->port[p].state = PORT_EMPTY;
	}
}

/* what: the failure, for the log ("controller error, USBSTS 0x1000"). */
static void start_recovery(struct xhci *hc, const char *what)
{
	char why[48];

	hc->dead = true; /* from here on the interrupt handler and the ports leave it alone */
	if (xhci_stop(hc, false, why, sizeof(why))) {
		/* it may still write its rings: the devices and their memory stay, but no key
		 * report comes any more, so the keyboards let go of what they hold */
		printk(KERN_ERR "usb: %s: %s, and %s: stopped\n", hc->name, what, why);
		hc->unhalted = true;
		usb_kbd_controller_stopped(hc);
		return;
	}
	if (hc->recoveries >= XHCI_MAX_RECOVERIES) {
		printk(KERN_ERR "usb: %s: %s, after %u resets: stopped\n", hc->name, what,
		       hc->recoveries);
		forget_devices(hc);
		return;
	}
	hc->recoveries++;
	printk(KERN_WARN "usb: %s: %s: resetting it (%u of %u)\n", hc->name, what, hc->recoveries,
	       XHCI_MAX_RECOVERIES);
	forget_devices(hc);
	hc->recovery_deadline = deadline_us(DRAIN_TIMEOUT_US);
	hc->recovery = XHCI_RECOVERY_DRAIN;
}

static void recovery_step(struct xhci *hc)
{
	char why[80];
	uint32_t cmd, sts;
	int err;

	switch (hc->recovery) {
	case XHCI_RECOVERY_NONE:
		return;
	case XHCI_RECOVERY_DRAIN:
		if (has_devices(hc)) {
			if (deadline_passed(hc->recovery_deadline)) /* never seen: insurance */
				give_up(hc, "its devices did not go within 1 s");
			return;
		}
		xhci_write(hc, hc->op + XHCI_USBCMD, XHCI_CMD_HCRST);
		hc->recovery_settle = deadline_us(RESET_SETTLE_US);
		hc->recovery_deadline = deadline_us(RESET_TIMEOUT_US);
		hc->recovery = XHCI_RECOVERY_RESET;
		return;
	case XHCI_RECOVERY_RESET:
		if (!deadline_passed(hc->recovery_settle))
			return;
		cmd = xhci_read(hc, hc->op + XHCI_USBCMD);
		sts = xhci_read(hc, hc->op + XHCI_USBSTS);
		if ((cmd & XHCI_CMD_HCRST) || (sts & XHCI_STS_CNR)) {
			if (deadline_passed(hc->recovery_deadline))
				give_up(hc, "controller reset did not finish in 1 s");
			return;
		}
		xhci_free_memory(hc);
		memset(hc->slot_dev, 0, (hc->max_slots + 1u) * sizeof(*hc->slot_dev));
		err = xhci_setup(hc, why, sizeof(why));
		if (err) {
			/* out of memory, the controller never ran on what setup got (Run/Stop is
			 * set last, after a reset): it all goes back, as the old memory did */
			if (err == -ENOMEM)
				xhci_free_memory(hc);
			give_up(hc, why);
			return;
		}
		xhci_ports_start(hc);
		if (hc->irq_kind)
			xhci_irq_on(hc);
		hc->recovery = XHCI_RECOVERY_NONE;
		hc->dead = false;
		printk(KERN_WARN "usb: %s: reset after the error; its ports are scanned again\n",
		       hc->name);
		return;
	}
}

/* USBSTS every HEALTH_CHECK_TICKS: gone, or an error to recover from. */
static void health_check(struct xhci *hc)
{
	uint32_t sts = xhci_read(hc, hc->op + XHCI_USBSTS);

	if (sts == 0xffffffffu) {
		printk(KERN_ERR "usb: %s: controller gone (registers read all ones): stopped\n",
		       hc->name);
		hc->dead = true;
		forget_devices(hc); /* nothing is there to write into their memory */
	} else if (sts & (XHCI_STS_HSE | XHCI_STS_HCE)) {
		char what[40];

		ksnprintf(what, sizeof(what), "controller error, USBSTS %#x", sts);
		start_recovery(hc, what);
	}
}

/*
 * xhci_tick - one tick of a controller: its recovery when one runs, else the health check
 * (every HEALTH_CHECK_TICKS), the event ring (a recovery when an aborted command did not
 * stop the ring) and the root ports. Returns the events consumed. The devices' steps are
 * the caller's (usb_dev_step, over every controller). Tick context.
 */
unsigned int xhci_tick(struct xhci *hc)
{
	unsigned int n;

	if (hc->recovery != XHCI_RECOVERY_NONE) {
		recovery_step(hc);
		return 0;
	}
	if (hc->dead)
		return 0;
	if (++hc->health_ticks % HEALTH_CHECK_TICKS == 0) {
		health_check(hc);
		if (hc->dead)
			return 0;
	}
	n = xhci_process_events(hc);
	if (hc->cmd_ring_stuck) {
		start_recovery(hc, "command ring still running 5 s after an abort");
		return n;
	}
	xhci_ports_poll(hc);
	return n;
}
