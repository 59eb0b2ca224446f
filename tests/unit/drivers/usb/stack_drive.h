/* SPDX-License-Identifier: MIT */
/*
 * Driving the whole USB stack (ports, enumeration, hubs, keyboards) over the simulated
 * controller of xhci_sim.c one tick at a time, as the kernel's timer does: what
 * usb_tree_harness.h and xhci_health_harness.h share. Each helper takes the controller; the
 * clock moves by host_time_skip_ns (src/arch/host/time_host.c) a read, which the test sets.
 * Header-only (static inline), so a program includes it once.
 */
#ifndef LIOS_TEST_STACK_DRIVE_H
#define LIOS_TEST_STACK_DRIVE_H

#include "xhci_sim.h"

/* One tick: the controller's events, ports and health (xhci_tick), a step of every device
 * (one may go during its step: the next is taken first), then the keyboards' timers. */
static inline void stack_tick(struct xhci *hc)
{
	struct usb_dev *d, *next;

	xhci_tick(hc);
	for (d = usb_dev_list(); d; d = next) {
		next = d->next;
		usb_dev_step(d);
	}
	usb_kbd_tick();
}

/* Ticks until the simulator's log holds needle; false when it still does not after max
 * ticks. */
static inline bool stack_until(struct xhci *hc, const char *needle, int max)
{
	for (int i = 0; i < max; i++) {
		if (sim_logged(needle))
			return true;
		stack_tick(hc);
	}
	return sim_logged(needle);
}

/* Ticks for at least ms milliseconds of the clock at 0.2 ms per clock read (both tests'
 * usual host_time_skip_ns), there being at least one read per tick. */
static inline void stack_ticks_ms(struct xhci *hc, unsigned int ms)
{
	for (unsigned int i = 0; i < 5 * ms; i++)
		stack_tick(hc);
}

#endif
