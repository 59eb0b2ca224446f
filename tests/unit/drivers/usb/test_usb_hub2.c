// SPDX-License-Identifier: MIT
/*
 * Hubs and hot-plug behind them (src/drivers/usb/usb_hub.c, usb_enum.c) on the simulated
 * tree of usb_tree_harness.h. Checked:
 * - the slot contexts of a hub (Hub, Number of Ports, TT Think Time) and of full- and
 *   low-speed devices behind a high-speed hub (TT Hub Slot ID, TT Port Number);
 * - a hub unplugged with a keyboard behind it holding keys, or waiting for a command, and a
 *   keyboard unplugged from a hub port and plugged back: every slot disabled, every
 *   allocation given back, no key held;
 * - five hubs in a chain (USB 2.0 4.1.1), a keyboard behind the fifth using all five
 *   nibbles of the route string, a sixth hub refused;
 * - a connection that bounces during the 100 ms debounce restarts it (USB 2.0 7.1.7.3), on
 *   a hub's port and on the root port;
 * - a port the hub disabled (C_PORT_ENABLE) with its device still there is enumerated
 *   again, MAX_DISABLES times in a row at most, then given up until the device is pulled;
 * - a hub's own status change (bit 0 of the bitmap) is read and acknowledged, and its ports
 *   are powered again after a hub over-current;
 * - the longest device name (five hubs deep, two-digit ports) is whole.
 * Port resets and short status reads tried again, then given up: test_usb_hub_retry.c.
 */
#include "../../unit.h"
#include "usb_tree_harness.h"
#include "../../../../src/drivers/usb/usb_hub.h" /* MAX_DISABLES */

/* ------------------------------------------------------------------ the cases */

/* Five hubs in a chain (the most USB 2.0 4.1.1 allows) and a keyboard on port 3 of the
 * last: it gets ready, its route string 0x31111 (a nibble per hub); a sixth hub in the
 * chain is refused. (The fifth hub was refused as "nested deeper than 4 levels".) */
static void five_hubs_deep(void)
{
	int prev = -1, kbd;

	start();
	for (int i = 0; i < 5; i++) {
		prev = add_node(N_HUB, USB_SPEED_HIGH, prev, prev < 0 ? ROOT_PORT : 1);
		node[prev].plugged = true;
	}
	kbd = add_node(N_KBD, USB_SPEED_HIGH, prev, 3);
	node[kbd].plugged = true;
	plug(child_of(-1, ROOT_PORT), true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1.1.1.1.3 0627:0001 ready", 50000));
	CHECK(dev_of(kbd) != NULL && dev_of(kbd)->route == 0x31111u && dev_of(kbd)->depth == 5);
	CHECK_EQ(sim.addr_slot[0] & 0xfffffu,
		 0x31111u); /* what Address Device gave the controller */
	CHECK(!sim_logged("refused"));

	/* a sixth hub on port 2 of the fifth */
	sim_log_clear();
	plug(add_node(N_HUB, USB_SPEED_HIGH, prev, 2), true);
	hub_notify(prev);
	CHECK(stack_until(&hc,
			  "usb: 1-5.1.1.1.1.2 0409:0001: refused: more than five hubs in a chain",
			  5000));
	finish();
}

/* The slot contexts the controller schedules split transactions by (xHCI 6.2.2): the
 * high-speed hub's (Hub, Number of Ports, TT Think Time from wHubCharacteristics bits 6:5,
 * no MTT), a full-speed keyboard's on its port 2 (TT Hub Slot ID the hub's, TT Port 2), and
 * a low-speed keyboard's behind a full-speed hub on port 3 (the TT is still the high-speed
 * hub's, port 3). */
static void transaction_translator_fields(void)
{
	int h, fs, fsh, ls;
	struct usb_dev *hd;

	start();
	h = add_node(N_HUB, USB_SPEED_HIGH, -1, ROOT_PORT);
	node[h].characteristics = 0x0049; /* per-port power, TT think time 2 (24 FS bit times) */
	plug(h, true);
	CHECK(stack_until(&hc, "usb: 1-5: hub with 4 ports ready", 5000));
	hd = dev_of(h);
	CHECK(hd != NULL);
	CHECK(sim.cfg_slot[0] & XHCI_SLOT_HUB);
	CHECK(!(sim.cfg_slot[0] & XHCI_SLOT_MTT));
	CHECK_EQ(sim.cfg_slot[1] >> 24, 4u);        /* Number of Ports */
	CHECK_EQ((sim.cfg_slot[2] >> 16) & 3u, 2u); /* TT Think Time */
	CHECK_EQ(sim.cfg_slot[2] & 0xffffu, 0u);    /* no TT of its own above it */

	fs = add_node(N_KBD, USB_SPEED_FULL, h, 2);
	plug(fs, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	CHECK(dev_of(fs) && dev_of(fs)->tt_slot == hd->slot && dev_of(fs)->tt_port == 2);

	fsh = add_node(N_HUB, USB_SPEED_FULL, h, 3);
	ls = add_node(N_KBD, USB_SPEED_LOW, fsh, 1);
	node[ls].plugged = true;
	plug(fsh, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.3.1 0627:0001 ready", 10000));
	CHECK_EQ((sim.addr_slot[0] >> 20) & 0xfu, (unsigned int)USB_SPEED_LOW);
	CHECK_EQ(sim.addr_slot[0] & 0xfffffu, 0x13u);
	CHECK_EQ((sim.addr_slot[1] >> 16) & 0xffu, (unsigned int)ROOT_PORT);
	CHECK_EQ(sim.addr_slot[2] & 0xffu, hd->slot);  /* TT Hub Slot ID: the high-speed hub */
	CHECK_EQ((sim.addr_slot[2] >> 8) & 0xffu, 3u); /* TT Port Number: where the FS hub is */
	CHECK(!sim_logged("refused"));
	finish();
}

/* A keyboard whose connection bounces 50 ms into the debounce (a disconnect and connect
 * between two reads: C_PORT_CONNECTION set again): the port is reset only once it has been
 * stable 100 ms since (it was reset 100 ms after the first connect, 50 ms after the bounce). */
static void debounce_restarts_on_bounce(void)
{
	int h, k;
	uint64_t bounced;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 2, &k);
	node[k].plugged = false;
	plug(k, true);
	hub_notify(h);
	stack_ticks_ms(&hc, 50);
	CHECK_EQ(node[h].reset_requests[2], 0u);
	node[h].change[2] |= C_CONNECTION; /* gone and back between two reads */
	bounced = time_ns();
	hub_notify(h);
	for (int i = 0; i < 5000 && !node[h].reset_requests[2]; i++)
		stack_tick(&hc);
	CHECK_EQ(node[h].reset_requests[2], 1u);
	CHECK(node[h].reset_ns[2] - bounced >= 100000000u);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	finish();
}

/* The hub disables the keyboard's port (a port error: PORT_ENABLE clear, C_PORT_ENABLE set)
 * while the keyboard stays connected: it is removed and enumerated again (it stayed on a
 * dead port, unreachable, until unplugged). */
static void port_disabled_by_hub_enumerates_again(void)
{
	int h, k;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	sim_log_clear();
	node[h].status[1] &= (uint16_t)~PS_ENABLE;
	node[h].change[1] |= PS_ENABLE; /* C_PORT_ENABLE */
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 removed", 200));
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	CHECK_EQ(node[h].reset_requests[1], 2u);
	CHECK_EQ(node[h].change[1], 0);
	finish();
}

/* The hub disables the keyboard's port 1 + MAX_DISABLES times in a row: enumerated again
 * after each of the first MAX_DISABLES, then the port is given up with a warning and reset
 * no more; pulled out and plugged in again, the keyboard is back, the count started again.
 * (Nothing checked the bound: a port given up one disable early passed.) */
static void port_disabled_too_often_given_up(void)
{
	int h, k;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	for (unsigned int i = 0; i <= MAX_DISABLES; i++) {
		sim_log_clear();
		node[h].status[1] &= (uint16_t)~PS_ENABLE;
		node[h].change[1] |= PS_ENABLE; /* C_PORT_ENABLE */
		hub_notify(h);
		if (i == MAX_DISABLES)
			break;
		CHECK(stack_until(&hc, "usb: 1-5 port 1: disabled by the hub: enumerating again",
				  200));
		CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
		CHECK_EQ(node[h].reset_requests[1], 2u + i);
	}
	CHECK(stack_until(&hc,
			  "usb: 1-5 port 1: disabled by the hub 4 times: given up until unplugged",
			  200));
	stack_ticks_ms(&hc, 1000);
	CHECK(!sim_logged("ready"));
	CHECK_EQ(node[h].reset_requests[1], 1u + MAX_DISABLES);
	plug(k, false);
	hub_notify(h);
	stack_ticks_ms(&hc, 50);
	sim_log_clear();
	plug(k, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	CHECK(!sim_logged("given up"));
	sim_log_clear();
	node[h].status[1] &= (uint16_t)~PS_ENABLE; /* once more: counted from 0 again */
	node[h].change[1] |= PS_ENABLE;
	hub_notify(h);
	CHECK(stack_until(&hc, "usb: 1-5 port 1: disabled by the hub: enumerating again", 200));
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	finish();
}

/* The hub's own status changes (bit 0 of the bitmap: C_HUB_LOCAL_POWER, C_HUB_OVER_CURRENT)
 * are read with GET_STATUS(hub) and acknowledged, an over-current named (they were never
 * cleared: the hub would report bit 0 on every poll for ever). */
static void hub_status_change_acknowledged(void)
{
	int h, k;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	node[h].hub_change = HUB_LOCAL_POWER;
	hub_notify(h);
	stack_ticks_ms(&hc, 20);
	CHECK_EQ(node[h].hub_status_reads, 1u);
	CHECK_EQ(node[h].hub_change, 0);
	node[h].hub_status = HUB_OVER_CURRENT;
	node[h].hub_change = HUB_OVER_CURRENT;
	hub_notify(h);
	CHECK(stack_until(&hc, "usb: 1-5: hub over-current", 100));
	CHECK_EQ(node[h].hub_change, 0);
	node[h].hub_status = 0;
	node[h].hub_change = HUB_OVER_CURRENT;
	hub_notify(h);
	CHECK(stack_until(&hc, "usb: 1-5: hub over-current ended", 100));
	CHECK_EQ(node[h].hub_change, 0);
	stack_ticks_ms(&hc, 150); /* the hub's power-on time */
	for (unsigned int p = 1; p <= 4; p++)
		CHECK_EQ(node[h].power_requests[p], 2u);
	CHECK(dev_of(k) != NULL);
	finish();
}

/* The hub pulled out while the keyboard behind it holds Shift and 'a': both released, both
 * slots disabled, every allocation given back (under ASan: nothing touched after). Then
 * the same tree plugged in again comes back. */
static void hub_unplugged_with_keyboard_holding_keys(void)
{
	static const uint8_t shift_a[8] = { 0x02, 0, 0x04 };
	int h, k;

	start();
	h = hub_and_keyboard(USB_SPEED_LOW, 3, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.3 0627:0001 ready", 5000));
	key_report(dev_of(k), shift_a);
	CHECK_EQ(held(), 2u);
	stack_ticks_ms(&hc, 600); /* 'a' repeats */
	CHECK(presses > 2u);
	plug(h, false);
	CHECK(stack_until(&hc, "kbd: usb 1-5.3 removed", 100));
	for (int i = 0; i < 200 && usb_dev_list(); i++)
		stack_tick(&hc);
	CHECK(usb_dev_list() == NULL);
	CHECK_EQ(held(), 0u);
	CHECK_EQ(sim.commands[TRB_DISABLE_SLOT], 2u);
	CHECK_EQ(sim_dma_live(), dma_before);
	presses = 0;
	stack_ticks_ms(&hc, 100);
	CHECK_EQ(presses, 0u); /* no repeat of a key nobody holds */
	sim_log_clear();
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.3 0627:0001 ready", 10000));
	finish();
}

/* The hub pulled out while the keyboard behind it waits for its Address Device (the command
 * ring held): the keyboard goes only once the command has completed (the controller writes
 * its context until then), then its slot and the hub's are disabled and everything is given
 * back, nothing touched after it was freed. */
static void hub_unplugged_during_child_command(void)
{
	int h, k;
	struct usb_dev *kd = NULL;
	bool kept;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 2, &k);
	node[k].plugged = false;
	plug(k, true);
	hub_notify(h);
	for (int i = 0; i < 5000 && !kd; i++) {
		stack_tick(&hc);
		for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
			if (d->parent && d->slot && hc.cmd_owner == d)
				kd = d;
		if (kd)
			break;
	}
	CHECK(kd != NULL);
	if (!kd) {
		finish();
		return;
	}
	sim.hold_commands = true; /* its next command waits in the ring */
	while (hc.cmd_owner == kd)
		stack_tick(&hc);
	for (int i = 0; i < 20 && hc.cmd_owner != kd; i++)
		stack_tick(&hc); /* until it asks for Address Device (or Evaluate Context) */
	CHECK(hc.cmd_owner == kd);
	plug(h, false);
	stack_ticks_ms(&hc, 10);
	kept = false;
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		kept |= d == kd;
	CHECK(kept && kd->gone); /* kept while its command is in the ring */
	sim_run_commands(&sim);
	for (int i = 0; i < 200 && usb_dev_list(); i++)
		stack_tick(&hc);
	CHECK(usb_dev_list() == NULL);
	for (unsigned int sl = 1; sl <= SIM_SLOTS; sl++)
		CHECK(!sim.slot_on[sl]);
	CHECK_EQ(sim_dma_live(), dma_before);
	finish();
}

/* A keyboard pulled from hub port 2 while holding 'a', then plugged back: 'a' released,
 * its slot disabled, and it comes back as a new device on a new slot. */
static void keyboard_replugged_on_hub_port(void)
{
	int h, k;
	uint8_t old_slot;

	start();
	h = hub_and_keyboard(USB_SPEED_FULL, 2, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	old_slot = dev_of(k)->slot;
	key_report(dev_of(k), press_a);
	plug(k, false);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 removed", 100));
	for (int i = 0; i < 50 && sim.slot_on[old_slot]; i++)
		stack_tick(&hc);
	CHECK(!sim.slot_on[old_slot]);
	CHECK_EQ(held(), 0u);
	sim_log_clear();
	plug(k, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	CHECK(dev_of(k) && dev_of(k)->slot != old_slot);
	key_report(dev_of(k), press_b);
	CHECK_EQ(held(), 1u);
	key_report(dev_of(k), (const uint8_t[8]){ 0 });
	finish();
}

/* A keyboard on the root port whose connection bounces 50 ms into the debounce (gone and
 * back between two scans: CSC set again, CCS still set): the port is reset only once the
 * connection has been stable 100 ms since, as a hub's port is (USB 2.0 7.1.7.3). (The root
 * port went on with the debounce it had started: reset 50 ms after the bounce.) */
static void root_port_debounce_restarts_on_bounce(void)
{
	uint32_t *portsc = &sim.reg[(SIM_OP + XHCI_PORTSC(ROOT_PORT)) / 4];
	uint64_t bounced, reset = 0;
	int k;

	start();
	k = add_node(N_KBD, USB_SPEED_HIGH, -1, ROOT_PORT);
	plug(k, true);
	for (int i = 0; i < 100 && hc.port[ROOT_PORT].state != PORT_DEBOUNCE; i++)
		stack_tick(&hc);
	CHECK_EQ(hc.port[ROOT_PORT].state, PORT_DEBOUNCE);
	for (uint64_t t = time_ns(); time_ns() - t < 50000000u;)
		stack_tick(&hc);
	CHECK_EQ(sim.port_resets[ROOT_PORT], 0u);
	*portsc |= XHCI_PORTSC_CSC; /* gone and back between two scans */
	bounced = time_ns();
	for (int i = 0; i < 5000 && !sim.port_resets[ROOT_PORT]; i++) {
		stack_tick(&hc);
		reset = time_ns(); /* the reset, if any, came in the tick just run */
	}
	CHECK_EQ(sim.port_resets[ROOT_PORT], 1u);
	CHECK(reset - bounced >= 100000000u);
	CHECK(!(*portsc & XHCI_PORTSC_CSC)); /* the bounce acknowledged */
	CHECK(stack_until(&hc, "kbd: usb 1-5 0627:0001 ready", 5000));
	finish();
}

/* The controller disables the keyboard's root port for a port error (PED cleared, PEC set)
 * while it stays plugged in, 1 + 3 times in a row: enumerated again after each of the first
 * three (a reset each), then the port is given up with a warning, listed, and reset no
 * more; pulled out and plugged in again, the keyboard is back and the count starts again.
 * (The port stayed in PORT_DEVICE with its device gone deaf until unplugged.) */
static void root_port_error_enumerated_again(void)
{
	uint32_t *portsc = &sim.reg[(SIM_OP + XHCI_PORTSC(ROOT_PORT)) / 4];
	int k;

	start();
	k = add_node(N_KBD, USB_SPEED_HIGH, -1, ROOT_PORT);
	plug(k, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5 0627:0001 ready", 5000));
	for (unsigned int i = 0; i <= 3; i++) {
		sim_log_clear();
		*portsc = (*portsc & ~XHCI_PORTSC_PED) | XHCI_PORTSC_PEC;
		if (i == 3)
			break;
		CHECK(stack_until(&hc, "port 5: disabled by a port error: enumerating again", 200));
		CHECK(stack_until(&hc, "kbd: usb 1-5 0627:0001 ready", 5000));
		CHECK_EQ(sim.port_resets[ROOT_PORT], 2u + i);
		CHECK(!(*portsc & XHCI_PORTSC_PEC)); /* acknowledged */
	}
	CHECK(stack_until(&hc, "port 5: disabled by a port error 4 times: given up until unplugged",
			  200));
	stack_ticks_ms(&hc, 1000);
	CHECK(!sim_logged("ready"));
	CHECK_EQ(sim.port_resets[ROOT_PORT], 4u);
	CHECK(usb_dev_list() == NULL);
	plug(k, false);
	stack_ticks_ms(&hc, 50);
	sim_log_clear();
	plug(k, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5 0627:0001 ready", 5000));
	sim_log_clear();
	*portsc = (*portsc & ~XHCI_PORTSC_PED) | XHCI_PORTSC_PEC; /* counted from 0 again */
	CHECK(stack_until(&hc, "port 5: disabled by a port error: enumerating again", 200));
	CHECK(stack_until(&hc, "kbd: usb 1-5 0627:0001 ready", 5000));
	finish();
}

/* The longest device name: five 15-port hubs in a chain, each on the last port of the one
 * above, a keyboard on port 15 of the fifth, on controller 255: "255-5.15.15.15.15.15",
 * as long as "1-255.15.15.15.15.15" (root port 255 of the first controller). Whole in the
 * log and in the device. (Names were cut at 15 characters: "255-5.15.15.15.".) */
static void longest_name(void)
{
	int prev = -1, kbd;
	struct usb_dev *d;

	start();
	hc.index = 254;
	for (int i = 0; i < 5; i++) {
		prev = add_node(N_HUB, USB_SPEED_HIGH, prev, prev < 0 ? ROOT_PORT : 15);
		node[prev].nports = 15;
		node[prev].plugged = true;
	}
	kbd = add_node(N_KBD, USB_SPEED_HIGH, prev, 15);
	node[kbd].plugged = true;
	plug(child_of(-1, ROOT_PORT), true);
	CHECK(stack_until(&hc, "kbd: usb 255-5.15.15.15.15.15 0627:0001 ready", 100000));
	d = dev_of(kbd);
	CHECK(d != NULL && !strcmp(d->name, "255-5.15.15.15.15.15"));
	CHECK(d != NULL && d->route == 0xfffffu);
	CHECK(!sim_logged("refused"));
	hc.index = 0;
	finish();
}

int main(void)
{
	sim_log_start();
	RUN(five_hubs_deep);
	RUN(transaction_translator_fields);
	RUN(debounce_restarts_on_bounce);
	RUN(port_disabled_by_hub_enumerates_again);
	RUN(port_disabled_too_often_given_up);
	RUN(hub_status_change_acknowledged);
	RUN(hub_unplugged_with_keyboard_holding_keys);
	RUN(hub_unplugged_during_child_command);
	RUN(keyboard_replugged_on_hub_port);
	RUN(root_port_debounce_restarts_on_bounce);
	RUN(root_port_error_enumerated_again);
	RUN(longest_name);
	return unit_summary();
}
