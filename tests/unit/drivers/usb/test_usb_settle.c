// SPDX-License-Identifier: MIT
/*
 * usb.c's settle wait, on the machine of test_usb_probe (usb_probe_harness.h: the real usb.c
 * probed through usb_init, each BAR 0 a simulated xHCI). usb_wait_settled is what a
 * self-test boot waits on before it counts the devices present (usb_boot_devices): it must
 * stay busy while a root port debounces, resets or shows a connection the port scan has not
 * seen yet, while a controller recovers from an error, a device enumerates or a keyboard is
 * not yet ready; it must not wait for a refused or unplugged device or a stopped controller;
 * and it gives up (false) after its bound. usb_live_devices leaves out the refused and the
 * unplugged. The harness's timer_sleep_ms lets simulated milliseconds pass, each with its
 * tick, so devices go on while the wait sleeps (m.slept_ms: how long it slept).
 *
 * pci_init runs once per process, so the program takes its case as its argument (CTest
 * runs each): none, a keyboard present at a self-test boot; "steps", a keyboard plugged in
 * and followed through its port's states; "refused"; "silent-enum"; "silent-kbd"; "gone";
 * "recovery".
 */
#include <lios/cmdline.h>
#include "usb_probe_harness.h"

#define ROOT_PORT 5    /* a USB 2 port of the simulator */
#define OTHER_PORT 6   /* another one */
#define SET_IDLE 0x0a  /* HID 1.11 7.2.4 */
#define CLASS_OUT 0x21 /* bmRequestType: class, interface, host to device */
#define READY "kbd: usb 1-5 0627:0001 ready"
#define USBSTS_REG(c) ((c)->xs.reg[(SIM_OP + XHCI_USBSTS) / 4])

/* ------------------------------------------------------------------ devices */
/* A keyboard whose device descriptor names no configuration: refused once it is read. */
static enum sim_answer no_config(struct xhci_sim *s, unsigned int slot, const struct sim_setup *su,
				 uint8_t *data, size_t *len)
{
	enum sim_answer a = keyboard(s, slot, su, data, len);

	if (su->req == GET_DESCRIPTOR && (su->value >> 8) == USB_DT_DEVICE && *len >= 18)
		data[17] = 0; /* bNumConfigurations */
	return a;
}

/* A device that never answers its first GET_DESCRIPTOR: it enumerates until the request
 * times out (2 s), then is refused. */
static enum sim_answer silent_desc(struct xhci_sim *s, unsigned int slot,
				   const struct sim_setup *su, uint8_t *data, size_t *len)
{
	if (su->req == GET_DESCRIPTOR)
		return SIM_SILENT;
	return keyboard(s, slot, su, data, len);
}

/* A keyboard that enumerates but never answers SET_IDLE: its driver sets it up until the
 * request times out (2 s), then goes on without it. */
static enum sim_answer silent_idle(struct xhci_sim *s, unsigned int slot,
				   const struct sim_setup *su, uint8_t *data, size_t *len)
{
	if (su->type == CLASS_OUT && su->req == SET_IDLE)
		return SIM_SILENT;
	return keyboard(s, slot, su, data, len);
}

/* ------------------------------------------------------------------ helpers */
/* The one xHCI at 00:01.0, its devices answering as dev does, started by usb_init; its
 * struct xhci (NULL when it did not come up). */
static struct xhci *start(struct ctl **c, sim_device_fn dev)
{
	*c = add_xhci(1, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });
	(*c)->xs.device = dev;
	CHECK_EQ(scan(), 1);
	CHECK(m.tick != NULL);
	return m.tick ? usb_controllers : NULL;
}

static enum xhci_port_state port_state(const struct xhci *hc, unsigned int p)
{
	return hc->port[p].state;
}

/* Let the ticks run, 1 ms at a time, until done(hc) or limit ms passed; done's answer. */
static bool tick_until(struct xhci *hc, bool (*done)(const struct xhci *), unsigned int limit)
{
	for (unsigned int i = 0; i < limit && !done(hc); i++)
		timer_sleep_ms(1);
	return done(hc);
}

static bool resetting(const struct xhci *hc) { return port_state(hc, ROOT_PORT) == PORT_RESETTING; }
static bool kbd_ready(const struct xhci *hc)
{
	(void)hc;
	return usb_kbd_count() == 1;
}
static bool recovering(const struct xhci *hc) { return hc->recovery != XHCI_RECOVERY_NONE; }
static bool first_gone(const struct xhci *hc)
{
	(void)hc;
	return usb_dev_list() && usb_dev_list()->gone;
}

/* A keyboard plugged into ROOT_PORT after start, ready; false when it did not come. */
static bool keyboard_plugged(struct ctl *c, struct xhci *hc)
{
	sim_connect(&c->xs, ROOT_PORT, USB_SPEED_HIGH);
	CHECK(tick_until(hc, kbd_ready, 2000));
	return usb_kbd_count() == 1;
}

/* ------------------------------------------------------------------ the cases */
/* A self-test boot with a keyboard already plugged in: usb_init waits until the keyboard is
 * ready (debounce 100 ms, reset, recovery, enumeration, its class requests), not 3 s, and
 * counts it as the one device present at boot. Settled, a wait returns at once. */
static void boot_waits_for_keyboard(void)
{
	struct ctl *c = add_xhci(1, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });

	sim_connect(&c->xs, ROOT_PORT, USB_SPEED_HIGH);
	cmdline_set("selftest");
	CHECK_EQ(scan(), 1);
	CHECK(usb_boot_waited);
	CHECK_EQ(usb_boot_devices, 1u);
	CHECK_EQ(usb_kbd_count(), 1u);
	CHECK(sim_logged(READY));
	CHECK(!warned("still enumerating"));
	CHECK(m.slept_ms >= 100 && m.slept_ms < 1000);
	m.slept_ms = 0;
	CHECK(usb_wait_settled(0));
	CHECK_EQ(m.slept_ms, 0u);
}

/* A keyboard plugged in after boot, followed through its port's states. Before any tick
 * the port scan has not seen it (the port "empty", CCS set): busy; a 0 ms wait only looks.
 * In its 100 ms debounce: a 45 ms wait gives up after 45 ms, not more. Its first port reset
 * never ends (PR stays set for 500 ms, then the port is reset again): a 300 ms wait in it
 * gives up. From there, looked at every millisecond, the wait says settled exactly when the
 * keyboard is ready, as usb_kbd_count and usb_live_devices see it at that moment, and busy
 * while it is not. */
static void keyboard_steps(void)
{
	struct ctl *c;
	struct xhci *hc = start(&c, keyboard);
	bool settled = false;

	if (!hc)
		return;
	CHECK(usb_wait_settled(1000)); /* nothing plugged in: at once */
	CHECK_EQ(m.slept_ms, 0u);

	c->xs.stuck_port_resets = 1;
	sim_connect(&c->xs, ROOT_PORT, USB_SPEED_HIGH);
	CHECK_EQ(port_state(hc, ROOT_PORT), PORT_EMPTY); /* not scanned yet */
	CHECK(!usb_wait_settled(0));
	CHECK_EQ(m.slept_ms, 0u);

	timer_sleep_ms(1);
	CHECK_EQ(port_state(hc, ROOT_PORT), PORT_DEBOUNCE);
	CHECK(!usb_wait_settled(45)); /* not a multiple of its 10 ms looks */
	CHECK_EQ(m.slept_ms, 46u);
	CHECK_EQ(port_state(hc, ROOT_PORT), PORT_DEBOUNCE);

	CHECK(tick_until(hc, resetting, 100));
	CHECK(!usb_wait_settled(300));
	CHECK_EQ(port_state(hc, ROOT_PORT), PORT_RESETTING);
	CHECK_EQ(c->xs.port_resets[ROOT_PORT], 1u);

	for (int i = 0; i < 3000 && !settled; i++) {
		unsigned int kbds = usb_kbd_count(), live = usb_live_devices();

		settled = usb_wait_settled(0);
		CHECK_EQ(settled, kbds == 1 && live == 1);
		if (!settled)
			timer_sleep_ms(1);
	}
	CHECK(settled);
	CHECK_EQ(c->xs.port_resets[ROOT_PORT], 2u);
	CHECK(sim_logged(READY));
}

/* A device refused for its descriptor (no configuration), its Disable Slot left hanging so
 * it stays listed, refused, while the controller holds the slot: the wait does not wait for
 * it (nor for the command's 2 s timeout), and usb_live_devices does not count it. */
static void refused_not_waited(void)
{
	struct ctl *c;
	struct xhci *hc = start(&c, no_config);

	if (!hc)
		return;
	c->xs.hang_cmd = TRB_DISABLE_SLOT;
	sim_connect(&c->xs, ROOT_PORT, USB_SPEED_HIGH);
	CHECK(usb_wait_settled(3000));
	CHECK(warned("usb: 1-5 0627:0001: refused: device has no configuration\n"));
	CHECK(m.slept_ms < 1000);
	CHECK(usb_dev_list() && usb_dev_list()->failed);
	CHECK(c->xs.hung != 0); /* its Disable Slot */
	CHECK_EQ(port_state(hc, ROOT_PORT), PORT_FAILED);
	CHECK_EQ(usb_live_devices(), 0u);
}

/* A device that never answers its first GET_DESCRIPTOR enumerates until the request times
 * out: a 1 s wait gives up after 1 s with the device still listed, live and enumerating; the
 * next wait ends once it is refused, after USB_ENUM_TRIES tries of 2 s each (and a debounce
 * and port reset between two), not after its own 10 s. */
static void silent_enumeration(void)
{
	struct ctl *c;
	struct xhci *hc = start(&c, silent_desc);

	if (!hc)
		return;
	sim_connect(&c->xs, ROOT_PORT, USB_SPEED_HIGH);
	CHECK(!usb_wait_settled(1000));
	CHECK_EQ(m.slept_ms, 1000u);
	CHECK(usb_dev_list() && !strcmp(usb_dev_state_name(usb_dev_list()), "enumerating"));
	CHECK_EQ(usb_live_devices(), 1u);
	CHECK(usb_wait_settled(10000));
	CHECK(warned("usb: 1-5: no answer to GET_DESCRIPTOR(device, 8): enumerating again (try 2 "
		     "of 3)\n"));
	CHECK(warned("usb: 1-5: no answer to GET_DESCRIPTOR(device, 8): enumerating again (try 3 "
		     "of 3)\n"));
	CHECK(warned("usb: 1-5: refused: no answer to GET_DESCRIPTOR(device, 8)\n"));
	printf("  refused after %llu ms\n", (unsigned long long)m.slept_ms);
	CHECK(m.slept_ms > USB_ENUM_TRIES * 2000 && m.slept_ms < USB_ENUM_TRIES * 2000 + 1000);
	CHECK_EQ(usb_live_devices(), 0u);
}

/* A keyboard that never answers SET_IDLE: enumerated, its driver chosen, not ready. A 1 s
 * wait gives up; the next ends once the request has timed out and the keyboard, going on
 * without it, is ready. */
static void silent_keyboard(void)
{
	struct ctl *c;
	struct xhci *hc = start(&c, silent_idle);
	const struct usb_dev *d;

	if (!hc)
		return;
	sim_connect(&c->xs, ROOT_PORT, USB_SPEED_HIGH);
	CHECK(!usb_wait_settled(1000));
	d = usb_dev_list();
	CHECK(d && d->driver == USB_DRV_KBD && !strcmp(usb_dev_state_name(d), "keyboard"));
	CHECK_EQ(usb_kbd_count(), 0u);
	CHECK_EQ(usb_live_devices(), 1u);
	CHECK(usb_wait_settled(3000));
	CHECK(warned("usb: 1-5: no answer to SET_IDLE(0): going on\n"));
	CHECK_EQ(usb_kbd_count(), 1u);
	CHECK_EQ(usb_live_devices(), 1u);
}

/* A ready keyboard unplugged, its Disable Slot left hanging so it stays listed while it is
 * torn down: not live, and not waited for. */
static void gone_not_counted(void)
{
	struct ctl *c;
	struct xhci *hc = start(&c, keyboard);

	if (!hc || !keyboard_plugged(c, hc))
		return;
	CHECK_EQ(usb_live_devices(), 1u);
	c->xs.hang_cmd = TRB_DISABLE_SLOT;
	sim_disconnect(&c->xs, ROOT_PORT);
	CHECK(tick_until(hc, first_gone, 100));
	CHECK_EQ(usb_live_devices(), 0u);
	m.slept_ms = 0;
	CHECK(usb_wait_settled(1000));
	CHECK_EQ(m.slept_ms, 0u);
	CHECK(usb_dev_list() && usb_dev_list()->gone);
}

/* A controller error under a ready keyboard, with a reset that never ends: while the
 * controller recovers (its devices forgotten, its ports not looked at) the wait is busy; a
 * 500 ms wait gives up in its reset. After 1 s it is stopped: settled, though a device is
 * then plugged into one of its ports, which no scan will ever see. */
static void recovery_busy(void)
{
	struct ctl *c;
	struct xhci *hc = start(&c, keyboard);

	if (!hc || !keyboard_plugged(c, hc))
		return;
	c->xs.reset_stuck = true;
	USBSTS_REG(c) |= XHCI_STS_HCE;
	CHECK(tick_until(hc, recovering, 200));
	CHECK(!usb_wait_settled(500));
	CHECK_EQ(hc->recovery, XHCI_RECOVERY_RESET);
	CHECK_EQ(usb_live_devices(), 0u);
	CHECK(usb_wait_settled(3000));
	CHECK(log_captured("usb: xhci 00:01.0: controller reset did not finish in 1 s: stopped\n"));
	CHECK(hc->dead);
	sim_connect(&c->xs, OTHER_PORT, USB_SPEED_HIGH);
	CHECK(usb_wait_settled(0));
}

int main(int argc, char **argv)
{
	logs_start();
	if (argc < 2)
		RUN(boot_waits_for_keyboard);
	else if (!strcmp(argv[1], "steps"))
		RUN(keyboard_steps);
	else if (!strcmp(argv[1], "refused"))
		RUN(refused_not_waited);
	else if (!strcmp(argv[1], "silent-enum"))
		RUN(silent_enumeration);
	else if (!strcmp(argv[1], "silent-kbd"))
		RUN(silent_keyboard);
	else if (!strcmp(argv[1], "gone"))
		RUN(gone_not_counted);
	else if (!strcmp(argv[1], "recovery"))
		RUN(recovery_busy);
	else
		fprintf(stderr, "test_usb_settle: no case %s\n", argv[1]);
	sim_free(&m.pci);
	return unit_summary();
}
