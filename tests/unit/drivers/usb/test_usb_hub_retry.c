// SPDX-License-Identifier: MIT
/*
 * Hub and root ports that misbehave, tried again before they are given up
 * (src/drivers/usb/usb_hub_port.c, usb_hub.c, xhci_port.c) on the simulated tree of
 * usb_tree_harness.h. Checked:
 * - a port reset that does not finish, or leaves the port disabled, is tried again, three
 *   times in all, then that port alone is given up (on a hub and on the root port);
 * - a short GET_STATUS(port) or GET_STATUS(hub) is read again, then only that port (or the
 *   hub's own status) is given up, the rest of the hub going on.
 * The tree's shape, hot-plug, debounce and disabled ports: test_usb_hub2.c.
 */
#include "../../unit.h"
#include "usb_tree_harness.h"

/* ------------------------------------------------------------------ the cases */

/* Port 1's first reset never ends (PORT_RESET stays set), port 2's first one ends with the
 * port not enabled: each is reset a second time (port 1 once its 500 ms passed, port 2 as
 * soon as C_PORT_RESET shows) and its keyboard gets ready. Port 2's resets wait until port
 * 1's keyboard has its address (one device at address 0 behind a hub). (Each port was given
 * up after its first reset: "port reset did not finish in 500 ms", the keyboard never
 * seen.) */
static void port_reset_tried_again(void)
{
	static const unsigned int ports[] = { 1, 2 };
	int h, k[2];

	start();
	h = hub_with_keyboards(ports, 2, k);
	node[h].stuck_resets[1] = 1;
	node[h].unenabled_resets[2] = 1;
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 20000));
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 20000));
	CHECK(sim_logged("usb: 1-5 port 1: port reset did not finish in 500 ms (try 1 of 3): "
			 "resetting again"));
	CHECK(sim_logged("usb: 1-5 port 2: port not enabled after reset (try 1 of 3): "
			 "resetting again"));
	CHECK_EQ(node[h].reset_requests[1], 2u);
	CHECK_EQ(node[h].reset_requests[2], 2u);
	CHECK(node[h].reset_ns[2] > node[h].reset_ns[1]); /* port 2 waited for port 1 */
	CHECK_EQ(addr0_collisions, 0u);
	CHECK(!sim_logged("given up"));
	CHECK(!sim_logged("refused"));
	finish();
}

/* Port 3's resets never end: after three tries of 500 ms it is disabled and given up with
 * a warning, while the keyboard on port 1 keeps typing and one plugged into port 2 later
 * gets ready; pulled out and plugged back into a port that resets, port 3's keyboard is
 * enumerated (given up until unplugged, not for ever). */
static void port_reset_given_up(void)
{
	static const unsigned int ports[] = { 1, 3 };
	int h, k[2], k2;

	start();
	h = hub_with_keyboards(ports, 2, k);
	node[h].stuck_resets[3] = UINT_MAX;
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	CHECK(stack_until(&hc,
			  "usb: 1-5 port 3: port reset did not finish in 500 ms (try 3 of 3): "
			  "port disabled, given up until unplugged",
			  20000));
	CHECK_EQ(node[h].reset_requests[3], 3u);
	CHECK_EQ(node[h].port_disables[3], 1u);
	CHECK(dev_of(k[1]) == NULL);
	stack_ticks_ms(&hc, 1000);
	CHECK_EQ(node[h].reset_requests[3], 3u); /* no fourth */
	types_a(k[0]);
	k2 = add_node(N_KBD, USB_SPEED_HIGH, h, 2);
	plug(k2, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));

	node[h].stuck_resets[3] = 0;
	plug(k[1], false);
	hub_notify(h);
	stack_ticks_ms(&hc, 10);
	plug(k[1], true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.3 0627:0001 ready", 5000));
	CHECK_EQ(node[h].reset_requests[3], 4u);
	CHECK(!sim_logged("refused"));
	finish();
}

/* A keyboard on the root port whose first reset never ends (PR stays set) and whose second
 * one ends with the port not enabled: reset a third time, it gets ready. (The root port
 * was given up after its first reset.) */
static void root_port_reset_tried_again(void)
{
	int k;

	start();
	k = add_node(N_KBD, USB_SPEED_HIGH, -1, ROOT_PORT);
	sim.stuck_port_resets = 1;
	sim.unenabled_port_resets = 1;
	plug(k, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5 0627:0001 ready", 20000));
	CHECK(sim_logged(
		"port 5: port reset did not finish in 500 ms (try 1 of 3): resetting again"));
	CHECK(sim_logged("port 5: port not enabled after reset (try 2 of 3): resetting again"));
	CHECK_EQ(sim.port_resets[ROOT_PORT], 3u);
	CHECK(!sim_logged("refused"));
	finish();
}

/* A root port whose resets never end is given up after three, with a warning; plugged in
 * again where resets work, the keyboard gets ready. */
static void root_port_reset_given_up(void)
{
	int k;

	start();
	k = add_node(N_KBD, USB_SPEED_HIGH, -1, ROOT_PORT);
	sim.stuck_port_resets = UINT_MAX;
	plug(k, true);
	CHECK(stack_until(
		&hc,
		"port 5: port reset did not finish in 500 ms (try 3 of 3): given up until "
		"unplugged",
		20000));
	stack_ticks_ms(&hc, 1000);
	CHECK_EQ(sim.port_resets[ROOT_PORT], 3u);
	CHECK(usb_dev_list() == NULL);
	sim.stuck_port_resets = 0;
	plug(k, false);
	stack_ticks_ms(&hc, 20);
	plug(k, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5 0627:0001 ready", 5000));
	CHECK_EQ(sim.port_resets[ROOT_PORT], 4u);
	finish();
}

/* GET_STATUS(port 2) answers 2 bytes of 4 twice: read again, and the third, whole, answer
 * gets its keyboard ready. (A short port status refused the whole hub.) */
static void short_port_status_read_again(void)
{
	static const unsigned int ports[] = { 2 };
	int h, k;

	start();
	h = hub_with_keyboards(ports, 1, &k);
	node[h].short_port_status[2] = 2;
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	CHECK(node[h].status_reads[2] >= 3u);
	CHECK(!sim_logged("given up"));
	CHECK(!sim_logged("refused"));
	finish();
}

/* GET_STATUS(port 3) always answers short: after three reads the port alone is given up
 * (disabled, its changes no longer read), with a warning; the keyboard on port 1 keeps
 * typing and one plugged into port 2 gets ready. */
static void short_port_status_port_given_up(void)
{
	static const unsigned int ports[] = { 1, 3 };
	int h, k[2], k2;

	start();
	h = hub_with_keyboards(ports, 2, k);
	node[h].short_port_status[3] = UINT_MAX;
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	CHECK(sim_logged("usb: 1-5 port 3: port status short (2 of 4 bytes) 3 times in a row: "
			 "port given up, the other ports go on"));
	CHECK_EQ(node[h].status_reads[3], 3u);
	CHECK_EQ(node[h].port_disables[3], 1u);
	CHECK_EQ(node[h].reset_requests[3], 0u);
	k2 = add_node(N_KBD, USB_SPEED_HIGH, h, 2);
	plug(k2, true);
	node[h].change[3] |= C_CONNECTION; /* port 3 reports a change again: not read */
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	CHECK_EQ(node[h].status_reads[3], 3u);
	types_a(k[0]);
	CHECK(!sim_logged("refused"));
	finish();
}

/* GET_STATUS(hub) answers short once: read again and its change acknowledged. Then it
 * always answers short: after three reads the hub's own status is no longer read, with a
 * warning, and the hub goes on: its keyboard types, a keyboard plugged in gets ready. (A
 * short hub status refused the hub and every device behind it.) */
static void short_hub_status(void)
{
	int h, k, k2;
	unsigned int reads;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	node[h].short_hub_status = 1;
	node[h].hub_change = HUB_LOCAL_POWER;
	hub_notify(h);
	stack_ticks_ms(&hc, 20);
	CHECK_EQ(node[h].hub_status_reads, 2u);
	CHECK_EQ(node[h].hub_change, 0);

	node[h].short_hub_status = UINT_MAX;
	node[h].hub_change = HUB_LOCAL_POWER;
	hub_notify(h);
	CHECK(stack_until(&hc,
			  "usb: 1-5: hub status short (2 of 4 bytes) 3 times in a row: no longer "
			  "read, its ports go on",
			  100));
	CHECK_EQ(node[h].hub_status_reads, 5u);
	reads = node[h].hub_status_reads;
	k2 = add_node(N_KBD, USB_SPEED_HIGH, h, 4);
	plug(k2, true);
	hub_notify(h); /* bit 0 too: the hub change is still there */
	CHECK(stack_until(&hc, "kbd: usb 1-5.4 0627:0001 ready", 5000));
	CHECK_EQ(node[h].hub_status_reads, reads);
	types_a(k);
	CHECK(!sim_logged("refused"));
	finish();
}

int main(void)
{
	sim_log_start();
	RUN(port_reset_tried_again);
	RUN(port_reset_given_up);
	RUN(root_port_reset_tried_again);
	RUN(root_port_reset_given_up);
	RUN(short_port_status_read_again);
	RUN(short_port_status_port_given_up);
	RUN(short_hub_status);
	return unit_summary();
}
