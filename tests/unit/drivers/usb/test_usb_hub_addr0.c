// SPDX-License-Identifier: MIT
/*
 * The default address 0 behind a hub, and devices enumerated again (src/drivers/usb/
 * usb_hub_port.c, usb_hub.c, usb_enum.c) on the simulated tree of usb_tree_harness.h, whose
 * Address Device counts a collision when another device behind the root port still answers
 * address 0 (a USB 2 hub repeats the SET_ADDRESS to all its enabled ports). Checked:
 * - keyboards plugged into every port of a hub at once (one keyboard with a hub inside, a
 *   KVM) are reset and addressed one at a time: no collision, all ready;
 * - a device whose Address Device fails is not left at address 0 on an enabled port: its
 *   port is disabled, reset again and the device enumerated anew (try 2 of 3), and one
 *   that fails every try is refused, its port disabled, while the hub's other ports go on;
 * - a device refused for what it is (a malformed configuration, after its address) is not
 *   enumerated again and its port is not disabled.
 * Port resets that fail, and looks at ports that fail: test_usb_hub_retry.c.
 */
#include "../../unit.h"
#include "usb_tree_harness.h"

/* ------------------------------------------------------------------ the cases */

/* A hub with a keyboard on each of its four ports, all there when it powers them: each
 * port's reset waits until the device before it has its address, so no Address Device
 * finds another device at address 0, and all four type. (With every port reset as soon as
 * its debounce ended, the second to fourth found the others there: 6 collisions.) */
static void one_device_at_address0(void)
{
	static const unsigned int ports[] = { 1, 2, 3, 4 };
	int h, k[4];

	start();
	h = hub_with_keyboards(ports, 4, k);
	plug(h, true);
	for (unsigned int p = 1; p <= 4; p++) {
		char line[48];

		snprintf(line, sizeof(line), "kbd: usb 1-5.%u 0627:0001 ready", p);
		CHECK(stack_until(&hc, line, 20000));
	}
	CHECK_EQ(addr0_collisions, 0u);
	for (int i = 0; i < 4; i++) {
		CHECK(node[k[i]].addressed);
		CHECK_EQ(node[h].reset_requests[ports[i]], 1u);
		types_a(k[i]);
	}
	CHECK(!sim_logged("refused"));
	finish();
}

/* Port 2's keyboard fails its first Address Device (a transaction error): it is not left
 * at address 0 on an enabled port while port 3's device is reset and addressed; its port
 * is disabled, reset again after a debounce, and the keyboard enumerated anew. */
static void address_failure_enumerated_again(void)
{
	static const unsigned int ports[] = { 2, 3 };
	int h, k[2];

	start();
	h = hub_with_keyboards(ports, 2, k);
	node[k[0]].failed_addresses = 1;
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 20000));
	CHECK(stack_until(&hc, "kbd: usb 1-5.3 0627:0001 ready", 20000));
	CHECK(sim_logged("usb: 1-5.2: Address Device failed (completion code 4): enumerating "
			 "again (try 2 of 3)\n"));
	CHECK(!sim_logged("refused"));
	CHECK_EQ(node[h].port_disables[2], 1u);
	CHECK_EQ(node[h].reset_requests[2], 2u);
	CHECK_EQ(node[h].port_disables[3], 0u);
	CHECK_EQ(node[h].reset_requests[3], 1u);
	CHECK_EQ(addr0_collisions, 0u);
	types_a(k[0]);
	types_a(k[1]);
	finish();
}

/* Port 1's keyboard fails every Address Device: three tries, each after a port reset, then
 * it is refused and its port disabled ("refused" in the listing); the keyboard on port 4,
 * plugged in meanwhile, is not held back by it and types. Replugged with the fault gone, the
 * first keyboard is enumerated afresh and gets ready. */
static void address_failures_refused(void)
{
	static const unsigned int ports[] = { 1 };
	int h, k[1], k4;

	start();
	h = hub_with_keyboards(ports, 1, k);
	node[k[0]].failed_addresses = UINT_MAX;
	k4 = add_node(N_KBD, USB_SPEED_FULL, h, 4);
	plug(h, true);
	CHECK(stack_until(&hc, "usb: 1-5.1: refused: Address Device failed (completion code 4)\n",
			  20000));
	CHECK(sim_logged("(try 3 of 3)"));
	CHECK(!sim_logged("(try 4 of 3)"));
	stack_ticks_ms(&hc, 20); /* the port disabled on its next look */
	CHECK_EQ(node[h].reset_requests[1], 3u);
	CHECK_EQ(node[h].port_disables[1], 3u);
	CHECK(!(node[h].status[1] & PS_ENABLE));
	CHECK(hub_port_listed(1, "refused"));
	plug(k4, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.4 0627:0001 ready", 20000));
	types_a(k4);
	node[k[0]].failed_addresses = 0;
	plug(k[0], false);
	hub_notify(h);
	plug(k[0], true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 20000));
	types_a(k[0]);
	CHECK_EQ(addr0_collisions, 0u);
	finish();
}

/* A keyboard whose configuration is malformed is refused by the parser once it has its
 * address: no try again (it would say the same), no port disabled (it no longer answers
 * address 0), and the keyboard on the next port is reset and typing. */
static void malformed_refused_once(void)
{
	static const unsigned int ports[] = { 1, 2 };
	int h, k[2];

	start();
	h = hub_with_keyboards(ports, 2, k);
	node[k[0]].bad_config = true;
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 20000));
	CHECK(sim_logged("usb: 1-5.1 0627:0001: refused: "));
	CHECK(!sim_logged("enumerating again"));
	CHECK_EQ(node[h].reset_requests[1], 1u);
	CHECK_EQ(node[h].port_disables[1], 0u);
	CHECK(hub_port_listed(1, "refused"));
	CHECK_EQ(addr0_collisions, 0u);
	types_a(k[1]);
	finish();
}

int main(void)
{
	sim_log_start();
	RUN(one_device_at_address0);
	RUN(address_failure_enumerated_again);
	RUN(address_failures_refused);
	RUN(malformed_refused_once);
	return unit_summary();
}
