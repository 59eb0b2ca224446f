// SPDX-License-Identifier: MIT
/*
 * A controller's health and its recovery (src/drivers/usb/xhci_health.c), with the whole
 * stack (ports, enumeration, hubs, the keyboard) on the simulated controller of xhci_sim.c:
 * a Host Controller Error or Host System Error while a keyboard is in use halts and resets
 * the controller, the keyboard goes and comes back by itself (the ports powered again: a
 * reset powers them off), and the old controller memory is given back (counted, and
 * poisoned under ASan so that any later touch of it is reported); a controller that keeps failing is stopped
 * after XHCI_MAX_RECOVERIES resets and one whose reset never finishes after 1 s, their
 * devices gone; one that does not halt keeps its devices (it may still write their memory),
 * frozen, its keyboards' keys released;
 * a controller whose registers read all ones is gone for good, and its devices with it.
 * Over-current on a root port or a hub's port (a small USB 2 hub simulated here): the port
 * is powered again 100 ms after it ends, its keyboard comes back, and a port whose
 * over-current keeps coming back is left off. A USB 3 link stuck in Compliance Mode or
 * SS.Inactive gets a warm reset, a bounded number of them. A command whose abort never
 * stops the command ring resets the controller like an error; a device whose Disable Slot
 * is not answered keeps its memory (the slot may still be enabled) until the reset.
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
static unsigned int presses, releases; /* key events the keyboards reported */
void kbd_report_key(uint16_t key, bool pressed)
{
	(void)key;
	if (pressed)
		presses++;
	else
		releases++;
}
void kbd_set_led_listener(void (*fn)(uint8_t leds)) { (void)fn; }
uint8_t kbd_leds(void) { return 0; }

static unsigned int silent_slot; /* this slot never answers its configuration (0: none) */

/* A high-speed USB 2 hub with 4 ports (per-port power), on the slot hub_slot: port status
 * and change bits as USB 2.0 11.24.2.7 has them, a keyboard plugged into port 1. */
/* clang-format off */
static const uint8_t hub_device_desc[18] = {18, USB_DT_DEVICE, 0x00, 0x02, USB_CLASS_HUB, 0, 1, 64,
					    0x09, 0x04, 0x01, 0x00, 0, 0, 0, 0, 0, 1};
static const uint8_t hub_config_desc[25] = {
	9, USB_DT_CONFIG, 25, 0, 1, 1, 0, 0xe0, 0,
	9, USB_DT_INTERFACE, 0, 0, 1, USB_CLASS_HUB, 0, 0, 0,
	7, USB_DT_ENDPOINT, 0x81, USB_EP_XFER_INT, 2, 0, 12,
};
/* clang-format on */
#define HUB_CONNECTION (1u << 0)
#define HUB_ENABLE (1u << 1)
#define HUB_OVER_CURRENT (1u << 3)
#define HUB_RESET (1u << 4)
#define HUB_POWER (1u << 8)
#define HUB_HIGH_SPEED (1u << 10)
static struct {
	unsigned int slot; /* 0: no hub */
	uint16_t status[5], change[5];
	bool plugged[5]; /* a device on the port, connected whenever it is powered */
	unsigned int power_requests[5];
} hub;

static enum sim_answer hub_request(const struct sim_setup *su, uint8_t *data, size_t *len)
{
	unsigned int p = su->index & 0xff;

	if (su->type == 0x80 && su->req == 0x06 && (su->value >> 8) == USB_DT_DEVICE) {
		memcpy(data, hub_device_desc, *len = sizeof(hub_device_desc));
	} else if (su->type == 0x80 && su->req == 0x06 && (su->value >> 8) == USB_DT_CONFIG) {
		memcpy(data, hub_config_desc, *len = sizeof(hub_config_desc));
	} else if (su->type == 0xa0 && su->req == 0x06) { /* hub descriptor: 4 ports, 20 ms */
		static const uint8_t desc[9] = { 9, USB_DT_HUB, 4, 0x01, 0, 10, 0, 0, 0xff };

		memcpy(data, desc, *len = sizeof(desc));
	} else if (p < 1 || p > 4) {
		return su->type & 0x03 ? SIM_STALL : SIM_ANSWER; /* device requests: fine */
	} else if (su->type == 0xa3 && su->req == 0x00) {        /* GET_STATUS(port) */
		memcpy(data, &hub.status[p], 2);
		memcpy(data + 2, &hub.change[p], 2);
		*len = 4;
	} else if (su->type == 0x23 && su->req == 0x03 && su->value == 8) { /* PORT_POWER */
		hub.power_requests[p]++;
		if (!(hub.status[p] & HUB_OVER_CURRENT)) {
			hub.status[p] |= HUB_POWER;
			if (hub.plugged[p] && !(hub.status[p] & HUB_CONNECTION)) {
				hub.status[p] |= HUB_CONNECTION | HUB_HIGH_SPEED;
				hub.change[p] |= HUB_CONNECTION;
			}
		}
	} else if (su->type == 0x23 && su->req == 0x03 && su->value == 4) { /* PORT_RESET */
		if (hub.status[p] & HUB_CONNECTION) {
			hub.status[p] |= HUB_ENABLE;
			hub.change[p] |= HUB_RESET;
		}
	} else if (su->type == 0x23 && su->req == 0x01 && su->value >= 16) { /* CLEAR C_... */
		hub.change[p] &= (uint16_t) ~(1u << (su->value - 16));
	}
	return SIM_ANSWER;
}

/* Over-current on hub port p begins (power, connection, enable off) or ends. */
static void hub_over_current(unsigned int p, bool active)
{
	if (active)
		hub.status[p] = HUB_OVER_CURRENT;
	else
		hub.status[p] &= (uint16_t)~HUB_OVER_CURRENT;
	hub.change[p] |= HUB_OVER_CURRENT | (active ? HUB_CONNECTION : 0);
}

/* A keyboard that answers every request (but see silent_slot), or the hub on its slot. */
static enum sim_answer keyboard(struct xhci_sim *s, unsigned int slot, const struct sim_setup *su,
				uint8_t *data, size_t *len)
{
	(void)s;
	if (hub.slot && slot == hub.slot)
		return hub_request(su, data, len);
	if (su->type == 0x80 && su->req == 0x06) { /* GET_DESCRIPTOR */
		if ((su->value >> 8) == USB_DT_DEVICE)
			memcpy(data, sim_kbd_device_desc, *len = sizeof(sim_kbd_device_desc));
		else if ((su->value >> 8) == USB_DT_CONFIG && slot == silent_slot)
			return SIM_SILENT;
		else if ((su->value >> 8) == USB_DT_CONFIG)
			memcpy(data, sim_kbd_config_desc, *len = sizeof(sim_kbd_config_desc));
		else
			return SIM_STALL;
	}
	return SIM_ANSWER;
}

static struct xhci_sim sim;
static struct xhci hc;

#define USBSTS sim.reg[(SIM_OP + XHCI_USBSTS) / 4]

/* A fresh controller with a high-speed keyboard on root port 5, ready. */
static void start(void)
{
	char why[80];

	memset(&sim, 0, sizeof(sim));
	memset(&hub, 0, sizeof(hub));
	silent_slot = 0;
	sim_dma_reset();
	sim.device = keyboard;
	CHECK_EQ(sim_start(&sim, &hc, why, sizeof(why)), 0);
	xhci_ports_start(&hc);
	sim_log_clear();
	host_time_skip_ns = 200000; /* 0.2 ms per clock read: debounce and resets pass in ticks */
	sim_connect(&sim, 5, USB_SPEED_HIGH);
	CHECK(stack_until(&hc, "kbd: usb 1-5 0627:0001 ready", 5000));
	sim_log_clear();
}

static void finish(void)
{
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		usb_dev_unplug(d);
	hc.dead = true;      /* no Disable Slot: the devices just go */
	hc.unhalted = false; /* (even those a controller that did not halt keeps) */
	for (int i = 0; i < 10 && usb_dev_list(); i++)
		stack_tick(&hc);
	CHECK(usb_dev_list() == NULL);
	xhci_free_memory(&hc);
	CHECK_EQ(sim_dma_live(), 0); /* every ring, context and buffer given back */
	free(hc.slot_dev);
	host_time_skip_ns = 0;
}

/* An error while the keyboard is in use: halted, reset, the keyboard back by itself. */
static void recovers(uint32_t error)
{
	long live;

	start();
	live = sim_dma_live();
	USBSTS |= error;
	CHECK(stack_until(&hc, "resetting it (1 of 3)", 200));
	CHECK(stack_until(&hc, "kbd: usb 1-5 removed", 50));
	CHECK(stack_until(&hc, "reset after the error; its ports are scanned again", 5000));
	CHECK(!hc.dead);
	CHECK_EQ(hc.recovery, XHCI_RECOVERY_NONE);
	CHECK_EQ(hc.recoveries, 1u);
	CHECK_EQ(sim.reset_count, 2u); /* the takeover's and the recovery's */
	CHECK(!(USBSTS & (XHCI_STS_HCE | XHCI_STS_HSE | XHCI_STS_HCH)));
	CHECK(stack_until(&hc, "kbd: usb 1-5 0627:0001 ready", 5000));
	CHECK(!sim_logged("stopped"));
	CHECK_EQ(sim_dma_live(), live); /* the old controller memory and device given back */
	finish();
}

static void recovers_from_hce(void) { recovers(XHCI_STS_HCE); }
static void recovers_from_hse(void) { recovers(XHCI_STS_HSE); }

/* The error while a command is in flight (held by the controller): the command never
 * completes, and its device must not wait for it (its timeout runs only on a live
 * controller): found by fuzz_xhci, where the recovery waited forever for that device. */
static void error_during_command(void)
{
	start();
	sim_connect(&sim, 6, USB_SPEED_FULL);
	sim.hold_commands = true;
	for (int i = 0; i < 5000 && !hc.cmd_busy; i++)
		stack_tick(&hc);
	CHECK(hc.cmd_busy);
	USBSTS |= XHCI_STS_HCE;
	CHECK(stack_until(&hc, "resetting it (1 of 3)", 200));
	sim.hold_commands = false;
	CHECK(stack_until(&hc, "reset after the error; its ports are scanned again", 5000));
	CHECK(stack_until(&hc, "kbd: usb 1-5 0627:0001 ready", 5000));
	CHECK(stack_until(&hc, "kbd: usb 1-6 0627:0001 ready", 5000));
	finish();
}

/* Three resets, then a fourth error: stopped for good, the keyboard stays gone. */
static void stops_after_three(void)
{
	start();
	for (unsigned int i = 1; i <= XHCI_MAX_RECOVERIES; i++) {
		USBSTS |= XHCI_STS_HCE;
		CHECK(stack_until(&hc, "reset after the error", 5000));
		CHECK(stack_until(&hc, "kbd: usb 1-5 0627:0001 ready", 5000));
		sim_log_clear();
	}
	USBSTS |= XHCI_STS_HCE;
	CHECK(stack_until(&hc, "after 3 resets: stopped", 200));
	CHECK(stack_until(&hc, "kbd: usb 1-5 removed", 50)); /* a stopped controller's devices go */
	for (int i = 0; i < 2000; i++)
		stack_tick(&hc);
	CHECK(hc.dead);
	CHECK(usb_dev_list() == NULL);
	CHECK_EQ(sim.reset_count, 1u + XHCI_MAX_RECOVERIES);
	CHECK(!sim_logged("kbd: usb 1-5 0627:0001 ready"));
	finish();
}

/* A reset that never finishes: given up after 1 s, nothing set up on it. */
static void reset_never_finishes(void)
{
	start();
	sim.reset_stuck = true;
	USBSTS |= XHCI_STS_HCE;
	CHECK(stack_until(&hc, "controller reset did not finish in 1 s: stopped", 20000));
	CHECK(hc.dead);
	CHECK_EQ(hc.recovery, XHCI_RECOVERY_NONE);
	CHECK(usb_dev_list() == NULL); /* the devices went before the reset */
	CHECK(!sim_logged("scanned again"));
	finish();
}

/* A device that does not go while the recovery drains (one made on the dead controller,
 * which never answers its Enable Slot): given up after 1 s, not waited for forever. */
static void drain_times_out(void)
{
	start();
	USBSTS |= XHCI_STS_HCE;
	CHECK(stack_until(&hc, "resetting it (1 of 3)", 200));
	CHECK(usb_dev_new(&hc, NULL, 3, USB_SPEED_HIGH) != NULL);
	CHECK(stack_until(&hc, "its devices did not go within 1 s: stopped", 20000));
	CHECK(hc.dead);
	CHECK_EQ(hc.recovery, XHCI_RECOVERY_NONE);
	CHECK_EQ(sim.reset_count, 1u);
	hc.cmd_owner = NULL; /* finish() unplugs it */
	finish();
}

/* A controller that does not halt after the error: stopped at once, its memory kept (it may
 * still write there). */
static void does_not_halt(void)
{
	start();
	sim.never_halts = true;
	USBSTS |= XHCI_STS_HSE;
	CHECK(stack_until(&hc, "did not halt in 32 ms: stopped", 200));
	for (int i = 0; i < 200; i++)
		stack_tick(&hc);
	CHECK(hc.dead);
	CHECK_EQ(sim.reset_count, 1u);
	CHECK(hc.dcbaa != NULL);
	CHECK(usb_dev_list() != NULL); /* nothing freed that it may still write */
	CHECK(!sim_logged("kbd: usb 1-5 removed"));
	finish();
}

/* One boot-keyboard report (8 bytes) from d's interrupt endpoint, as the controller gives
 * it, and a tick to take it. */
static void key_report(struct usb_dev *d, const uint8_t r[8])
{
	unsigned int i = d->intr_deq;

	memcpy(d->intr_buf + i * XHCI_INTR_BUF_SIZE, r, 8);
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys + i * 16, XHCI_CC_SUCCESS, 0);
	stack_tick(&hc);
}

/* start(), then a second device on root port 6 that never answers its configuration
 * request: returns it, waiting for that answer; *kbd is the keyboard. */
static struct usb_dev *start_with_silent_device(struct usb_dev **kbd)
{
	struct usb_dev *waiting = NULL;

	start();
	*kbd = usb_dev_list();
	silent_slot = (*kbd)->slot + 1;
	sim_connect(&sim, 6, USB_SPEED_HIGH);
	for (int i = 0; i < 5000 && !waiting; i++, stack_tick(&hc))
		if (usb_dev_list()->busy && usb_dev_list()->op &&
		    strstr(usb_dev_list()->op, "configuration"))
			waiting = usb_dev_list();
	CHECK(waiting != NULL && waiting != *kbd);
	return waiting;
}

/* 'a' held down, a second device waiting for an answer that never comes, and the controller
 * fails and does not halt: both devices are kept (it may still write their memory), the
 * keyboard lets go of 'a' at once and never repeats it (it repeated forever), and the
 * waiting device is not timed out and freed (it was, after 2 s). */
static void kept_devices_quiet(void)
{
	static const uint8_t press_a[8] = { 0, 0, 0x04 };
	struct usb_dev *kbd, *waiting;

	waiting = start_with_silent_device(&kbd);
	presses = releases = 0;
	key_report(kbd, press_a);
	CHECK_EQ(presses, 1u);
	sim.never_halts = true;
	USBSTS |= XHCI_STS_HSE;
	CHECK(stack_until(&hc, "did not halt in 32 ms: stopped", 200));
	CHECK(stack_until(&hc, "kbd: usb 1-5: its controller stopped: keys released", 1));
	CHECK_EQ(releases, 1u);
	host_time_skip_ns = 1000000; /* 1 ms per clock read: 5 s at least */
	for (int i = 0; i < 5000; i++)
		stack_tick(&hc);
	host_time_skip_ns = 200000;
	CHECK_EQ(presses, 1u);
	CHECK(usb_dev_list() == waiting && waiting->next == kbd && !waiting->failed &&
	      !kbd->failed);
	CHECK(!sim_logged("refused"));
	sim.never_halts = false;
	finish();
}

/* A device refused (its request never answered) on the tick before the controller fails
 * and does not halt: its Disable Slot never ran, the controller may still complete that
 * request into its buffer, so it is kept like the others (it was freed: teardown skips
 * Disable Slot on a dead controller, as if the controller had halted). */
static void refused_device_kept_when_not_halted(void)
{
	struct usb_dev *kbd, *waiting;

	waiting = start_with_silent_device(&kbd);
	host_time_skip_ns = 1000000;
	for (int i = 0; i < 5000 && !waiting->failed; i++)
		stack_tick(&hc);
	host_time_skip_ns = 200000;
	CHECK(waiting->failed && sim.commands[TRB_DISABLE_SLOT] == 0);
	sim.never_halts = true;
	USBSTS |= XHCI_STS_HSE;
	hc.health_ticks = 99; /* the next tick reads USBSTS */
	CHECK(stack_until(&hc, "did not halt in 32 ms: stopped", 2));
	for (int i = 0; i < 20; i++)
		stack_tick(&hc);
	CHECK(usb_dev_list() == waiting && waiting->next == kbd); /* nothing freed */
	CHECK_EQ(sim.commands[TRB_DISABLE_SLOT], 0);
	sim.never_halts = false;
	finish();
}

#define PORTSC(p) sim.reg[(SIM_OP + XHCI_PORTSC(p)) / 4]

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

	d->intr_buf[i * XHCI_INTR_BUF_SIZE] = bitmap;
	d->intr_buf[i * XHCI_INTR_BUF_SIZE + 1] = 0;
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

/* A device's Enable Slot hangs, and the abort after 2 s does not stop the command ring
 * either (CRCR.CRR stays set): 5 s later the controller is taken as failed and goes through
 * the recovery (halt, reset, set up afresh), after which both keyboards are ready (the
 * command was forgotten and the ring stayed stuck on it: the second keyboard never came,
 * and no later command ever ran). */
static void abort_never_stops_ring(void)
{
	start();
	sim.hang_cmd = TRB_ENABLE_SLOT;
	sim.abort_waits = true;
	sim_connect(&sim, 6, USB_SPEED_HIGH);
	host_time_skip_ns = 1000000;
	CHECK(stack_until(&hc, "usb: xhci sim: command Enable Slot timed out: aborting it", 20000));
	CHECK(stack_until(
		&hc,
		"usb: xhci sim: command ring still running 5 s after an abort: resetting it "
		"(1 of 3)",
		20000));
	host_time_skip_ns = 200000;
	CHECK_EQ(sim.aborts, 1u);
	CHECK(stack_until(&hc, "reset after the error; its ports are scanned again", 5000));
	CHECK(stack_until(&hc, "kbd: usb 1-5 0627:0001 ready", 5000));
	CHECK(stack_until(&hc, "kbd: usb 1-6 0627:0001 ready", 5000));
	CHECK_EQ(sim.reset_count, 2u);
	CHECK(!hc.dead);
	finish();
}

/* The keyboard unplugged, and its Disable Slot never answered (aborted after 2 s): the slot
 * may still be enabled, so the device leaves the list but its contexts, rings and buffers
 * are kept, and the controller writing its output context is no use after free (they were
 * given back at once: ASan reports that write); the next controller error halts and resets
 * the controller, and only then is that memory given back. */
static void disable_slot_unanswered_keeps_memory(void)
{
	uint8_t *out;
	long live;

	start();
	out = usb_dev_list()->out_ctx;
	live = sim_dma_live();
	sim.hang_cmd = TRB_DISABLE_SLOT;
	PORTSC(5) = XHCI_PORTSC_PP | XHCI_PORTSC_CSC; /* unplugged */
	CHECK(stack_until(&hc, "kbd: usb 1-5 removed", 100));
	host_time_skip_ns = 1000000;
	CHECK(stack_until(
		&hc,
		"usb: 1-5: no answer to Disable Slot: slot 1 and its memory kept until the "
		"controller is reset",
		10000));
	host_time_skip_ns = 200000;
	CHECK(usb_dev_list() == NULL);
	CHECK(hc.slot_dev[1] == NULL);
	CHECK(sim.slot_on[1]);
	CHECK_EQ(sim_dma_live(), live); /* nothing given back */
	memset(out, 0xa5, 64);          /* the controller updates the slot's output context */
	USBSTS |= XHCI_STS_HCE;
	CHECK(stack_until(&hc, "reset after the error; its ports are scanned again", 5000));
	CHECK(!sim.slot_on[1]);
	/* its six allocations (contexts, buffer, two rings, interrupt buffers) given back */
	CHECK_EQ(sim_dma_live(), live - 6);
	CHECK(hc.held == NULL);
	finish();
}

/* Registers reading all ones: the controller is gone, never reset. */
static void gone(void)
{
	start();
	USBSTS = 0xffffffffu;
	CHECK(stack_until(&hc, "controller gone (registers read all ones): stopped", 200));
	CHECK(stack_until(&hc, "kbd: usb 1-5 removed", 50));
	CHECK(hc.dead);
	CHECK_EQ(hc.recoveries, 0u);
	CHECK_EQ(sim.reset_count, 1u);
	USBSTS = XHCI_STS_HCH;
	finish();
}

int main(void)
{
	sim_log_start();
	RUN(recovers_from_hce);
	RUN(recovers_from_hse);
	RUN(error_during_command);
	RUN(stops_after_three);
	RUN(reset_never_finishes);
	RUN(drain_times_out);
	RUN(does_not_halt);
	RUN(kept_devices_quiet);
	RUN(refused_device_kept_when_not_halted);
	RUN(root_port_powered_again_after_over_current);
	RUN(root_port_left_off_after_repeated_over_current);
	RUN(hub_port_powered_again_after_over_current);
	RUN(hub_settles_after_the_devices_behind_it);
	RUN(stuck_usb3_link_warm_reset);
	RUN(stuck_usb3_link_given_up);
	RUN(abort_never_stops_ring);
	RUN(disable_slot_unanswered_keeps_memory);
	RUN(gone);
	return unit_summary();
}
