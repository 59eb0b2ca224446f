// SPDX-License-Identifier: MIT
/*
 * A port's health, on a root port (src/drivers/usb/xhci_port.c) or a hub's
 * (usb_hub_port.c), with the whole stack on the simulated controller of xhci_sim.c
 * (xhci_health_harness.h): a device pulled from a root port before it is reached (during
 * the debounce, the reset or the recovery) leaves the port empty and makes no device; a hub
 * waits its power-on time after powering its ports; over-current on a root port or a hub's
 * port (the harness's small USB 2 hub): the port is powered again 100 ms after it ends, its
 * keyboard comes back, and a port whose over-current keeps coming back is left off. A USB 3
 * link stuck in Compliance Mode or SS.Inactive gets a warm reset, a bounded number of them
 * (not made endless by a link passing through RxDetect between them, counted anew for a
 * device plugged in after the port was left alone), each bounded in time (a warm reset
 * that never completes is given up after 500 ms); a USB
 * 3 link that never trains leaves its port failed until it is unplugged. A hub does not
 * count as settled before the keyboards behind its ports are ready (usb_hub_settled,
 * usb_kbd_ready). The controller's own failures and its recovery: test_xhci_health.c.
 */
#include "xhci_health_harness.h"

/* Over-current on hub port p begins (power, connection, enable off) or ends. */
static void hub_over_current(unsigned int p, bool active)
{
	if (active)
		hub.status[p] = HUB_OVER_CURRENT;
	else
		hub.status[p] &= (uint16_t)~HUB_OVER_CURRENT;
	hub.change[p] |= HUB_OVER_CURRENT | (active ? HUB_CONNECTION : 0);
}

/* A device plugged into root port 6 is pulled out while the port waits out its debounce,
 * while its reset runs (one that never ends: PR stays set) and during the reset recovery:
 * each time the port is empty again, no device is made and no more resets are sent; plugged
 * in again, the keyboard gets ready. (Nothing checked it: the port's state machine handled
 * the three cases apart, and dropping any of them passed.) */
static void root_port_pulled_before_its_device(void)
{
	static const unsigned int when[] = { PORT_DEBOUNCE, PORT_RESETTING, PORT_RECOVERY };

	start();
	for (unsigned int i = 0; i < ARRAY_SIZE(when); i++) {
		unsigned int resets;
		bool made;

		sim.stuck_port_resets = when[i] == PORT_RESETTING;
		sim_connect(&sim, 6, USB_SPEED_HIGH);
		for (int t = 0; t < 5000 && hc.port[6].state != when[i]; t++)
			stack_tick(&hc);
		CHECK_EQ(hc.port[6].state, when[i]);
		resets = sim.port_resets[6];
		made = false;
		sim_disconnect(&sim, 6);
		for (int t = 0; t < 5 * 700;
		     t++) { /* 700 ms: past the reset's 500, the recovery's 10 */
			stack_tick(&hc);
			made |= usb_dev_list() &&
				usb_dev_list()->next; /* beside port 5's keyboard */
		}
		CHECK_EQ(hc.port[6].state, PORT_EMPTY);
		CHECK_EQ(sim.port_resets[6], resets);
		CHECK(!made);
	}
	sim.stuck_port_resets = 0;
	sim_connect(&sim, 6, USB_SPEED_HIGH);
	CHECK(stack_until(&hc, "kbd: usb 1-6 0627:0001 ready", 5000));
	finish();
}

/* A hub's ports are powered, then the hub waits its power-on time, at least 100 ms (its
 * bPwrOn2PwrGood is shorter) before it looks at any port. (Nothing checked the wait: a
 * hub that looked at once passed.) */
static void hub_waits_power_on_time(void)
{
	uint64_t powered = 0;

	start(); /* a keyboard on root port 5, slot 1: the hub takes slot 2 */
	hub.slot = 2;
	sim_connect(&sim, 6, USB_SPEED_HIGH);
	for (int i = 0; i < 10000 && !sim_logged("usb: 1-6: hub with"); i++) {
		if (!powered && hub.power_requests[1])
			powered = time_ns();
		stack_tick(&hc);
	}
	CHECK(sim_logged("usb: 1-6: hub with"));
	CHECK(powered && time_ns() - powered >= 100000000u);
	finish();
}

/* Over-current on the keyboard's root port, which stays on for 300 ms: the keyboard goes,
 * the port stays unpowered while over-current is active and for 100 ms after, is then
 * powered again and the keyboard, still plugged in, comes back (the port was never powered
 * again: the keyboard stayed gone until a reboot). */
static void root_port_powered_again_after_over_current(void)
{
	uint64_t ended;

	start();
	sim_over_current(&sim, 5, true);
	CHECK(stack_until(&hc, "usb: xhci sim port 5: over-current: powered off until it ends",
			  50));
	CHECK(stack_until(&hc, "kbd: usb 1-5 removed", 50));
	stack_ticks_ms(&hc, 300);
	CHECK(!(PORTSC(5) & XHCI_PORTSC_PP));
	CHECK_EQ(hc.port[5].state, PORT_OVERCURRENT);
	sim_over_current(&sim, 5, false);
	ended = time_ns();
	for (int i = 0; i < 5000 && !(PORTSC(5) & XHCI_PORTSC_PP); i++)
		stack_tick(&hc);
	CHECK(PORTSC(5) & XHCI_PORTSC_PP);
	CHECK(time_ns() - ended >= 100000000u); /* 100 ms after the end, not at once */
	CHECK(sim_logged("usb: xhci sim port 5: over-current ended: powered again"));
	CHECK(stack_until(&hc, "kbd: usb 1-5 0627:0001 ready", 5000));
	CHECK(!(PORTSC(5) & XHCI_PORTSC_CHANGES)); /* OCC acknowledged */
	finish();
}

/* Over-current that comes back at once each time the port is powered: powered again three
 * times, then the fourth leaves the port off for good, with a line naming it. */
static void root_port_left_off_after_repeated_over_current(void)
{
	start();
	for (int i = 0; i < 3; i++) {
		sim_over_current(&sim, 5, true);
		CHECK(stack_until(&hc, "powered off until it ends", 50));
		sim_over_current(&sim, 5, false);
		CHECK(stack_until(&hc, "over-current ended: powered again", 5000));
		CHECK(PORTSC(5) & XHCI_PORTSC_PP);
		sim_log_clear();
	}
	sim_over_current(&sim, 5, true);
	CHECK(stack_until(
		&hc, "usb: xhci sim port 5: over-current 4 times in a row: left unpowered", 50));
	sim_over_current(&sim, 5, false);
	stack_ticks_ms(&hc, 1000);
	CHECK(!(PORTSC(5) & XHCI_PORTSC_PP));
	CHECK_EQ(hc.port[5].state, PORT_OFF);
	CHECK(!sim_logged("powered again"));
	finish();
}

/* One status change bitmap from the hub d's interrupt endpoint (bit p: port p), taken. */
static void hub_report(struct usb_dev *d, uint8_t bitmap)
{
	unsigned int i = d->intr_deq;

	xhci_intr_data(d, i)[0] = bitmap;
	xhci_intr_data(d, i)[1] = 0;
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys + i * 16, XHCI_CC_SUCCESS, 0);
	stack_tick(&hc);
}

/* Over-current on the hub port of a keyboard, for 300 ms: the keyboard goes, the port is
 * powered again only 100 ms after the over-current ended, and the keyboard comes back (the
 * port was never powered again); when over-current then comes back at once each time, the
 * port is powered three times in all and then left off, with a line naming it. */
static void hub_port_powered_again_after_over_current(void)
{
	struct usb_dev *h;
	uint64_t ended;

	start(); /* a keyboard on root port 5, slot 1: the hub takes slot 2 */
	hub.slot = 2;
	hub.plugged[1] = true;
	sim_connect(&sim, 6, USB_SPEED_HIGH);
	CHECK(stack_until(&hc, "kbd: usb 1-6.1 0627:0001 ready", 10000));
	h = usb_dev_list()->next;
	CHECK(h != NULL && h->slot == 2 && h->hub != NULL);
	CHECK_EQ(hub.power_requests[1], 1u);
	hub_over_current(1, true);
	hub_report(h, 1u << 1);
	CHECK(stack_until(&hc, "usb: 1-6 port 1: over-current: powered off until it ends", 100));
	CHECK(stack_until(&hc, "kbd: usb 1-6.1 removed", 100));
	stack_ticks_ms(&hc, 300);
	CHECK_EQ(hub.power_requests[1], 1u); /* not while over-current lasts */
	sim_log_clear();
	hub_over_current(1, false);
	ended = time_ns();
	for (int i = 0; i < 5000 && hub.power_requests[1] == 1; i++)
		stack_tick(&hc);
	CHECK_EQ(hub.power_requests[1], 2u);
	CHECK(time_ns() - ended >= 100000000u);
	CHECK(sim_logged("usb: 1-6 port 1: over-current ended: powered again"));
	CHECK(stack_until(&hc, "kbd: usb 1-6.1 0627:0001 ready", 10000));

	for (int i = 0; i < 3; i++) {
		sim_log_clear();
		hub_over_current(1, true);
		hub_report(h, 1u << 1);
		hub_over_current(1, false);
		CHECK(stack_until(&hc, "over-current", 2000));
		if (i < 2)
			CHECK(stack_until(&hc, "over-current ended: powered again", 5000));
	}
	CHECK(sim_logged("usb: 1-6 port 1: over-current 4 times in a row: left unpowered"));
	stack_ticks_ms(&hc, 1000);
	CHECK_EQ(hub.power_requests[1], 4u);
	CHECK(!sim_logged("powered again"));
	CHECK(!h->failed);
	finish();
}

/* Settled as usb_wait_settled (usb.c) asks of each device: not enumerating, a keyboard
 * ready (usb_kbd_ready), a hub ready with no port connecting a device (usb_hub_settled). */
static bool devices_settled(void)
{
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next) {
		if (d->failed || d->gone)
			continue;
		if (!strcmp(usb_dev_state_name(d), "enumerating") ||
		    (d->driver == USB_DRV_KBD && !usb_kbd_ready(d)) ||
		    (d->driver == USB_DRV_HUB && !usb_hub_settled(d)))
			return false;
	}
	return true;
}

/* A hub with keyboards on its ports 1 and 3: the hub is enumerated and configured long
 * before the devices behind it (its power-on wait, then each port's debounce, reset and
 * recovery), so the devices never look settled until both keyboards behind it are ready,
 * and do once they are (a self-test boot waited only for the hub; its devices came during
 * the tests that count heap allocations). A keyboard is not settled between its driver
 * being chosen and its reports being taken either. */
static void hub_settles_after_the_devices_behind_it(void)
{
	bool early = false, kbd_setting_up = false;

	start(); /* a keyboard on root port 5, slot 1: the hub takes slot 2 */
	hub.slot = 2;
	hub.plugged[1] = hub.plugged[3] = true;
	sim_connect(&sim, 6, USB_SPEED_HIGH);
	CHECK(stack_until(&hc, "usb: 1-6: 0409:0001 hub, high speed, hub", 10000));
	for (int i = 0; i < 20000; i++) {
		if (sim_logged("kbd: usb 1-6.1 0627:0001 ready") &&
		    sim_logged("kbd: usb 1-6.3 0627:0001 ready"))
			break;
		early |= devices_settled();
		kbd_setting_up |=
			sim_logged("usb: 1-6.1: 0627:0001 HID, high speed, boot keyboard") &&
			!sim_logged("kbd: usb 1-6.1 0627:0001 ready");
		stack_tick(&hc);
	}
	CHECK(sim_logged("kbd: usb 1-6.3 0627:0001 ready"));
	CHECK(!early);
	CHECK(kbd_setting_up); /* the window in which only usb_kbd_ready said "not yet" was seen */
	stack_ticks_ms(&hc, 10);
	CHECK(devices_settled());
	finish();
}

/* A USB 3 port whose link fell into Compliance Mode (no connection showing) and one in
 * SS.Inactive (connection showing), each with a keyboard there: each port gets one warm
 * reset and its keyboard is enumerated (the first port stayed empty, the second failed
 * after 1 s of waiting for the link to train). The simulated keyboard is a high-speed one:
 * the link states are all that matters here. */
static void stuck_usb3_link_warm_reset(void)
{
	start();
	sim_link_fails(&sim, 2, XHCI_PLS_COMPLIANCE, false, USB_SPEED_HIGH);
	CHECK(stack_until(&hc, "usb: xhci sim port 2: link in Compliance Mode: warm reset", 100));
	CHECK(stack_until(&hc, "kbd: usb 1-2 0627:0001 ready", 5000));
	CHECK_EQ(sim.warm_resets, 1u);
	sim_link_fails(&sim, 3, XHCI_PLS_INACTIVE, true, USB_SPEED_HIGH);
	CHECK(stack_until(&hc, "usb: xhci sim port 3: link in SS.Inactive: warm reset", 100));
	CHECK(stack_until(&hc, "kbd: usb 1-3 0627:0001 ready", 5000));
	CHECK_EQ(sim.warm_resets, 2u);
	CHECK(!(PORTSC(2) & XHCI_PORTSC_CHANGES) && !(PORTSC(3) & XHCI_PORTSC_CHANGES));
	CHECK(!sim_logged("did not train"));
	finish();
}

/* A link that stays in Compliance Mode whatever is done: three warm resets, then the port is
 * left alone with a line naming it, not reset again every scan. */
static void stuck_usb3_link_given_up(void)
{
	start();
	sim.warm_reset_fails = true;
	sim_link_fails(&sim, 2, XHCI_PLS_COMPLIANCE, false, USB_SPEED_HIGH);
	CHECK(stack_until(
		&hc,
		"usb: xhci sim port 2: link still in Compliance Mode after 3 warm resets: left alone",
		5000));
	stack_ticks_ms(&hc, 2000);
	CHECK_EQ(sim.warm_resets, 3u);
	CHECK_EQ(hc.port[2].state, PORT_EMPTY);
	finish();
}

/* A link given up after its three warm resets (SS.Inactive, a connection showing), then
 * its device unplugged (the link leaves SS.Inactive for RxDetect, no connection) and
 * plugged in again, its link failing once more: the new connection gets warm resets of its
 * own, the first of which brings the keyboard up (it got none: the count was only started
 * again by a device found on the port). While given up and still stuck, nothing more is
 * sent to the port. */
static void warm_resets_counted_again_after_unplug(void)
{
	start();
	sim.warm_reset_fails = true;
	sim_link_fails(&sim, 3, XHCI_PLS_INACTIVE, true, USB_SPEED_HIGH);
	CHECK(stack_until(
		&hc,
		"usb: xhci sim port 3: link still in SS.Inactive after 3 warm resets: left alone",
		5000));
	stack_ticks_ms(&hc, 2000);
	CHECK_EQ(sim.warm_resets, 3u);
	sim.warm_reset_fails = false;
	sim_disconnect(&sim, 3);
	PORTSC(3) |= XHCI_PLS_RXDETECT << 5;
	stack_ticks_ms(&hc, 200);
	CHECK_EQ(sim.warm_resets, 3u);
	sim_log_clear();
	sim_link_fails(&sim, 3, XHCI_PLS_INACTIVE, true, USB_SPEED_HIGH);
	CHECK(stack_until(&hc, "usb: xhci sim port 3: link in SS.Inactive: warm reset", 100));
	CHECK(stack_until(&hc, "kbd: usb 1-3 0627:0001 ready", 5000));
	CHECK_EQ(sim.warm_resets, 4u);
	finish();
}

/* A link that each warm reset sends to RxDetect with no connection showing, where it stays
 * 30 ms (past a port scan) before it falls into Compliance Mode again, as a marginal link
 * may: passing through RxDetect while its warm resets run is no unplug, so there are three
 * of them and the port is left alone, not warm-reset for ever. */
static void warm_resets_bounded_through_rxdetect(void)
{
	start();
	sim_link_fails(&sim, 2, XHCI_PLS_COMPLIANCE, false, 0);
	for (int ms = 0, in_rxdetect = 0; ms < 3000; ms++) {
		stack_ticks_ms(&hc, 1);
		in_rxdetect = XHCI_PORTSC_PLS(PORTSC(2)) == XHCI_PLS_RXDETECT ? in_rxdetect + 1 : 0;
		if (in_rxdetect == 30) {
			sim_link_fails(&sim, 2, XHCI_PLS_COMPLIANCE, false, 0);
			in_rxdetect = 0;
		}
	}
	CHECK(sim_logged(
		"usb: xhci sim port 2: link still in Compliance Mode after 3 warm resets: left alone"));
	CHECK_EQ(sim.warm_resets, 3u);
	finish();
}

/* A USB 3 device that connects but whose link never trains (Polling, never enabled): after
 * 1 s the port is failed with a line, and nothing more is done to it (no reset, no
 * device) until it is unplugged; plugged in again and training, its keyboard comes up. */
static void usb3_link_never_trains(void)
{
	uint32_t writes;

	start();
	sim_link_fails(&sim, 1, XHCI_PLS_POLLING, true, USB_SPEED_SUPER);
	CHECK(stack_until(&hc, "usb: xhci sim port 1: USB 3 link did not train in 1 s", 2000));
	CHECK_EQ(hc.port[1].state, PORT_FAILED);
	writes = sim.port_resets[1] + sim.warm_resets;
	stack_ticks_ms(&hc, 3000);
	CHECK_EQ(sim.port_resets[1] + sim.warm_resets, writes);
	CHECK_EQ(hc.port[1].state, PORT_FAILED);
	CHECK(hc.port[1].dev == NULL);
	sim_disconnect(&sim, 1);
	stack_ticks_ms(&hc, 100);
	CHECK_EQ(hc.port[1].state, PORT_EMPTY);
	sim_connect(&sim, 1, USB_SPEED_HIGH);
	CHECK(stack_until(&hc, "kbd: usb 1-1 0627:0001 ready", 5000));
	finish();
}

/* A warm reset that never completes (PR stays set, no Warm Port Reset Change): after 500 ms
 * the port is given up for that try with a line; the link, still in Compliance Mode, gets
 * the next of its three warm resets, each bounded the same way, and then the port is left
 * alone: no fourth reset, however long it stays so. */
static void warm_reset_never_finishes(void)
{
	start();
	sim.warm_reset_hangs = true;
	sim_link_fails(&sim, 2, XHCI_PLS_COMPLIANCE, false, USB_SPEED_HIGH);
	CHECK(stack_until(&hc, "usb: xhci sim port 2: warm reset did not finish in 500 ms", 10000));
	CHECK(stack_until(
		&hc,
		"usb: xhci sim port 2: link still in Compliance Mode after 3 warm resets: left alone",
		5000));
	stack_ticks_ms(&hc, 3000);
	CHECK_EQ(sim.warm_resets, 3u);
	CHECK(hc.port[2].state != PORT_WARM_RESET);
	finish();
}

int main(void)
{
	sim_log_start();
	RUN(root_port_pulled_before_its_device);
	RUN(hub_waits_power_on_time);
	RUN(root_port_powered_again_after_over_current);
	RUN(root_port_left_off_after_repeated_over_current);
	RUN(hub_port_powered_again_after_over_current);
	RUN(hub_settles_after_the_devices_behind_it);
	RUN(stuck_usb3_link_warm_reset);
	RUN(stuck_usb3_link_given_up);
	RUN(warm_resets_counted_again_after_unplug);
	RUN(warm_resets_bounded_through_rxdetect);
	RUN(usb3_link_never_trains);
	RUN(warm_reset_never_finishes);
	return unit_summary();
}
