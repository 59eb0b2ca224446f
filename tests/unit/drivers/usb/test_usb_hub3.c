// SPDX-License-Identifier: MIT
/*
 * A hub's requests that fail (src/drivers/usb/usb_hub.c: hub_ok) and what `usb` lists of
 * hubs and refusals (usb_list.c), on the simulated tree of usb_tree_harness.h. Checked:
 * - GET_STATUS(port) that STALLs or ends in a transaction error is read again and then
 *   costs that port only (it refused the whole hub, and every device behind it);
 * - SET_FEATURE(PORT_RESET) that fails is a failed reset try: tried again, then the port
 *   given up; CLEAR_FEATURE of a change bit that fails is read again, then the port given
 *   up; SET_FEATURE(PORT_POWER) that fails leaves that port dark; GET_STATUS(hub) that
 *   fails stops the hub's own status being read: in each case the other ports go on;
 * - CLEAR_FEATURE(PORT_ENABLE) that fails, giving up a port after failed resets or failed
 *   looks, is logged and the port stays given up;
 * - CLEAR_FEATURE of a hub change that fails is read again and acknowledged then; after
 *   three looks in a row that fail, the hub's own status is no longer read and its ports
 *   go on (it was read again for ever, the ports never looked at);
 * - a hub whose own descriptor fails is still refused (Linux too refuses such a hub);
 * - the listing shows each hub's ports with their state, and the record of refused devices
 *   and given-up ports (name, vendor:product when known, reason), bounded to 8, the oldest
 *   dropped and counted, a name refused again moved to the end and counted; a device there
 *   was no memory for is listed too.
 */
#include "../../unit.h"
#include "usb_tree_harness.h"

/* GET_STATUS(port 2) fails twice (a STALL, then, on a second hub, a transaction error):
 * read again, the third answer gets its keyboard ready, nothing given up or refused. (The
 * hub was refused: "GET_STATUS(port) stalled".) */
static void failed_port_status_read_again(void)
{
	static const unsigned int ports[] = { 2 };
	static const enum sim_answer how[] = { SIM_STALL, SIM_XACT_ERROR };

	for (unsigned int i = 0; i < 2; i++) {
		int h, k;

		start();
		h = hub_with_keyboards(ports, 1, &k);
		node[h].fail_as = how[i];
		node[h].failed_port_status[2] = 2;
		plug(h, true);
		CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
		CHECK(node[h].status_reads[2] >= 3u);
		CHECK(!sim_logged("given up"));
		CHECK(!sim_logged("refused"));
		types_a(k);
		finish();
	}
}

/* GET_STATUS(port 3) always ends in a transaction error: after three reads port 3 alone is
 * given up (disabled, its changes no longer read), with a warning; the keyboard on port 1
 * types and one plugged into port 2 gets ready. (The hub was refused.) */
static void failed_port_status_port_given_up(void)
{
	static const unsigned int ports[] = { 1, 3 };
	int h, k[2], k2;

	start();
	h = hub_with_keyboards(ports, 2, k);
	node[h].fail_as = SIM_XACT_ERROR;
	node[h].failed_port_status[3] = UINT_MAX;
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	CHECK(stack_until(&hc,
			  "usb: 1-5 port 3: GET_STATUS(port) failed (completion code 4) 3 times in "
			  "a row: port given up, the other ports go on",
			  1000));
	CHECK_EQ(node[h].status_reads[3], 3u);
	CHECK_EQ(node[h].port_disables[3], 1u);
	k2 = add_node(N_KBD, USB_SPEED_HIGH, h, 2);
	plug(k2, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	CHECK_EQ(node[h].status_reads[3], 3u);
	types_a(k[0]);
	CHECK(!sim_logged("refused"));
	finish();
}

/* SET_FEATURE(PORT_RESET) on port 1 stalls once: a failed try, reset again, its keyboard
 * ready. On port 2 it always stalls: three tries, then the port disabled and given up,
 * the keyboard on port 1 typing on. (The hub was refused at the first stall.) */
static void failed_port_reset(void)
{
	static const unsigned int ports[] = { 1, 2 };
	int h, k[2];

	start();
	h = hub_with_keyboards(ports, 2, k);
	node[h].failed_resets[1] = 1;
	node[h].failed_resets[2] = UINT_MAX;
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	CHECK(sim_logged(
		"usb: 1-5 port 1: SET_FEATURE(PORT_RESET) stalled (try 1 of 3): resetting again"));
	CHECK(stack_until(&hc,
			  "usb: 1-5 port 2: SET_FEATURE(PORT_RESET) stalled (try 3 of 3): port "
			  "disabled, given up until unplugged",
			  5000));
	CHECK_EQ(node[h].reset_requests[1], 2u);
	CHECK_EQ(node[h].reset_requests[2], 3u);
	CHECK_EQ(node[h].port_disables[2], 1u);
	stack_ticks_ms(&hc, 600);
	CHECK_EQ(node[h].reset_requests[2], 3u); /* no fourth */
	types_a(k[0]);
	CHECK(!sim_logged("refused"));
	finish();
}

/* CLEAR_FEATURE(C_PORT_CONNECTION) of port 2 stalls once: the change is read again and
 * acknowledged, its keyboard ready. Port 3's clears always stall: after three looks the
 * port is given up; port 2's keyboard types. (The hub was refused.) */
static void failed_change_clear(void)
{
	static const unsigned int ports[] = { 2, 3 };
	int h, k[2];

	start();
	h = hub_with_keyboards(ports, 2, k);
	node[h].failed_clears[2] = 1;
	node[h].failed_clears[3] = UINT_MAX;
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	CHECK(sim_logged(
		"usb: 1-5 port 3: CLEAR_FEATURE(port change) stalled 3 times in a row: port "
		"given up, the other ports go on"));
	CHECK(!sim_logged("usb: 1-5 port 2: CLEAR_FEATURE"));
	CHECK_EQ(node[h].change[2], 0);
	CHECK_EQ(node[h].reset_requests[3], 0u);
	types_a(k[0]);
	CHECK(!sim_logged("refused"));
	finish();
}

/* SET_FEATURE(PORT_POWER) of port 4 stalls: logged, the hub gets ready and its keyboard on
 * port 1 too; the one on port 4 stays dark. (The hub was refused while powering.) */
static void failed_port_power(void)
{
	static const unsigned int ports[] = { 1, 4 };
	int h, k[2];

	start();
	h = hub_with_keyboards(ports, 2, k);
	node[h].failed_power[4] = 1;
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	CHECK(sim_logged(
		"usb: 1-5 port 4: SET_FEATURE(PORT_POWER) stalled: the port may stay unpowered"));
	CHECK(sim_logged("usb: 1-5: hub with 4 ports ready"));
	CHECK(dev_of(k[1]) == NULL);
	types_a(k[0]);
	CHECK(!sim_logged("refused"));
	finish();
}

/* GET_STATUS(hub) stalls once: read again, its change acknowledged. Then it always stalls:
 * after three reads the hub's own status is no longer read; a keyboard plugged in gets
 * ready. (The hub was refused.) */
static void failed_hub_status(void)
{
	int h, k, k2;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	node[h].failed_hub_status = 1;
	node[h].hub_change = HUB_LOCAL_POWER;
	hub_notify(h);
	stack_ticks_ms(&hc, 20);
	CHECK_EQ(node[h].hub_status_reads, 2u);
	CHECK_EQ(node[h].hub_change, 0);

	node[h].failed_hub_status = UINT_MAX;
	node[h].hub_change = HUB_LOCAL_POWER;
	hub_notify(h);
	CHECK(stack_until(&hc,
			  "usb: 1-5: GET_STATUS(hub) stalled 3 times in a row: no longer read, its "
			  "ports go on",
			  200));
	k2 = add_node(N_KBD, USB_SPEED_HIGH, h, 3);
	plug(k2, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.3 0627:0001 ready", 5000));
	types_a(k);
	CHECK(!sim_logged("refused"));
	finish();
}

/* Port 2's resets always stall, and the CLEAR_FEATURE(PORT_ENABLE) that gives it up stalls
 * too: logged, not sent again, the port still given up until unplugged ("refused", no
 * fourth reset), its keyboard on port 1 typing; unplugged and plugged back with resets that
 * work, its keyboard gets ready. */
static void failed_disable_after_resets(void)
{
	static const unsigned int ports[] = { 1, 2 };
	int h, k[2];

	start();
	h = hub_with_keyboards(ports, 2, k);
	node[h].failed_resets[2] = UINT_MAX;
	node[h].failed_disables[2] = 1;
	plug(h, true);
	CHECK(stack_until(&hc,
			  "usb: 1-5 port 2: SET_FEATURE(PORT_RESET) stalled (try 3 of 3): port "
			  "disabled, given up until unplugged",
			  5000));
	CHECK(stack_until(
		&hc,
		"usb: 1-5 port 2: CLEAR_FEATURE(PORT_ENABLE) stalled: the port may stay enabled\n",
		100));
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	stack_ticks_ms(&hc, 600);
	CHECK_EQ(node[h].port_disables[2], 1u);
	CHECK_EQ(node[h].reset_requests[2], 3u);
	CHECK(!sim_logged(": refused: "));
	CHECK(hub_port_listed(2, "refused"));
	CHECK(sim_logged("\n  1-5.2: port given up: SET_FEATURE(PORT_RESET) stalled, 3 times: "
			 "disabled until unplugged\n"));
	types_a(k[0]);

	node[h].failed_resets[2] = 0;
	plug(k[1], false);
	hub_notify(h);
	stack_ticks_ms(&hc, 20);
	plug(k[1], true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	types_a(k[1]);
	finish();
}

/* GET_STATUS(port 3) always ends in a transaction error, and so does the
 * CLEAR_FEATURE(PORT_ENABLE) that gives the port up: logged once, the port still given up
 * ("given up (unreadable)", its changes never read again); the keyboard on port 1 types and
 * one plugged into port 2 gets ready. */
static void failed_disable_of_unreadable_port(void)
{
	static const unsigned int ports[] = { 1, 3 };
	int h, k[2], k2;

	start();
	h = hub_with_keyboards(ports, 2, k);
	node[h].fail_as = SIM_XACT_ERROR;
	node[h].failed_port_status[3] = UINT_MAX;
	node[h].failed_disables[3] = UINT_MAX;
	plug(h, true);
	CHECK(stack_until(&hc,
			  "usb: 1-5 port 3: GET_STATUS(port) failed (completion code 4) 3 times in "
			  "a row: port given up, the other ports go on",
			  5000));
	CHECK(stack_until(&hc,
			  "usb: 1-5 port 3: CLEAR_FEATURE(PORT_ENABLE) failed (completion code 4): "
			  "the port may stay enabled\n",
			  100));
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	node[h].change[3] |= C_CONNECTION; /* a change there: no longer read */
	k2 = add_node(N_KBD, USB_SPEED_HIGH, h, 2);
	plug(k2, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	CHECK_EQ(node[h].status_reads[3], 3u);
	CHECK_EQ(node[h].port_disables[3], 1u);
	CHECK(!sim_logged(": refused: "));
	CHECK(hub_port_listed(3, "given up (unreadable)"));
	CHECK(sim_logged("\n  1-5.3: port given up: GET_STATUS(port) failed (completion code 4), 3 "
			 "times: disabled\n"));
	types_a(k[0]);
	types_a(k2);
	finish();
}

/* CLEAR_FEATURE(C_HUB_LOCAL_POWER) stalls once: nothing said, the change comes back on the
 * next GET_STATUS(hub) and is acknowledged then. Later it stalls twice: read again each
 * time, acknowledged on the third try, the hub's status still read (failures in a row are
 * counted from the last whole look). The keyboard types throughout. */
static void failed_hub_clear_read_again(void)
{
	int h, k;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	node[h].failed_hub_clears = 1;
	node[h].hub_change = HUB_LOCAL_POWER;
	hub_notify(h);
	stack_ticks_ms(&hc, 20);
	CHECK_EQ(node[h].hub_status_reads, 2u);
	CHECK_EQ(node[h].hub_clears, 2u);
	CHECK_EQ(node[h].hub_change, 0);

	node[h].failed_hub_clears = 2;
	node[h].hub_change = HUB_LOCAL_POWER;
	hub_notify(h);
	stack_ticks_ms(&hc, 20);
	CHECK_EQ(node[h].hub_status_reads, 5u);
	CHECK_EQ(node[h].hub_clears, 5u);
	CHECK_EQ(node[h].hub_change, 0);
	CHECK(!sim_logged("no longer read"));
	node[h].hub_change = HUB_LOCAL_POWER;
	hub_notify(h);
	stack_ticks_ms(&hc, 20);
	CHECK_EQ(node[h].hub_status_reads, 6u);
	CHECK_EQ(node[h].hub_change, 0);
	types_a(k);
	CHECK(!sim_logged("refused"));
	finish();
}

/* CLEAR_FEATURE(C_HUB_LOCAL_POWER) always stalls: after three looks in a row the hub's own
 * status is no longer read, with a line, and its ports go on: a keyboard plugged into port
 * 3 gets ready, the one on port 1 types. (The hub read its status and failed the clear for
 * ever, its ports never looked at again.) */
static void failed_hub_clear_no_longer_read(void)
{
	int h, k, k2;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	node[h].failed_hub_clears = UINT_MAX;
	node[h].hub_change = HUB_LOCAL_POWER;
	hub_notify(h);
	CHECK(stack_until(&hc,
			  "usb: 1-5: CLEAR_FEATURE(hub change) stalled 3 times in a row: no longer "
			  "read, its ports go on\n",
			  200));
	k2 = add_node(N_KBD, USB_SPEED_HIGH, h, 3);
	plug(k2, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.3 0627:0001 ready", 5000));
	CHECK_EQ(node[h].hub_status_reads, 3u);
	CHECK_EQ(node[h].hub_clears, 3u);
	types_a(k);
	types_a(k2);
	CHECK(!sim_logged("refused"));
	finish();
}

/* The hub's own descriptor stalls: the hub is refused, as before (it cannot be driven
 * without its port count), and listed as refused. */
static void failed_hub_descriptor_refuses(void)
{
	int h;

	start();
	h = add_node(N_HUB, USB_SPEED_HIGH, -1, ROOT_PORT);
	node[h].failed_hub_desc = 1;
	plug(h, true);
	CHECK(stack_until(&hc, "usb: 1-5 0409:0001: refused: GET_DESCRIPTOR(hub) stalled", 5000));
	CHECK_EQ(hc.refused.n, 1u);
	CHECK(!strcmp(hc.refused.e[0].name, "1-5") && hc.refused.e[0].vendor == 0x0409);
	finish();
}

/* `usb` on a hub with a keyboard on port 1, a keyboard with a malformed configuration on
 * port 2 (refused), a port 3 whose resets never end (given up) and nothing on port 4: the
 * hub's and the keyboard's lines, each port with its state under the hub, then the refused
 * keyboard with its vendor:product and reason and port 3 with why. (Hub ports were not
 * listed, and refused devices vanished from the listing.) */
static void listing_hub_ports_and_refused(void)
{
	static const unsigned int ports[] = { 1, 2, 3 };
	int h, k[3];
	char line[160];

	start();
	h = hub_with_keyboards(ports, 3, k);
	node[k[1]].bad_config = true;
	node[h].stuck_resets[3] = UINT_MAX;
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	CHECK(stack_until(&hc, "usb: 1-5.2 0627:0001: refused: ", 5000));
	CHECK(stack_until(&hc, "port 3: port reset did not finish in 500 ms (try 3 of 3)", 20000));
	stack_ticks_ms(&hc, 20); /* the refused keyboard torn down */
	CHECK(dev_of(h) != NULL && dev_of(k[0]) != NULL);
	if (!dev_of(h) || !dev_of(k[0])) {
		finish();
		return;
	}
	sim_log_clear();
	usb_list_devices(&hc);
	snprintf(line, sizeof(line), "\n  1-5      slot %-3u high  0409:0001 hub           hub\n",
		 dev_of(h)->slot);
	CHECK(sim_logged(line));
	snprintf(line, sizeof(line),
		 "\n  1-5.1    slot %-3u full  0627:0001 HID keyboard  keyboard\n",
		 dev_of(k[0])->slot);
	CHECK(sim_logged(line));
	CHECK(sim_logged("\n    port 1  device 1-5.1\n"));
	CHECK(sim_logged("\n    port 2  refused\n"));
	CHECK(sim_logged("\n    port 3  refused\n"));
	CHECK(sim_logged("\n    port 4  empty\n"));
	CHECK(sim_logged("\nrefused (most recent last):\n"));
	CHECK(sim_logged("\n  1-5.2 0627:0001: zero-length descriptor in configuration\n"));
	CHECK(sim_logged("\n  1-5.3: port given up: port reset did not finish in 500 ms, 3 times: "
			 "disabled until unplugged\n"));
	CHECK(!sim_logged("dropped"));
	finish();
}

/* No memory for the keyboard plugged into port 2: a line names the hub's port (it named
 * the controller's root port 2), the port waits for a disconnect, and the listing says why
 * under the keyboard's name (the port only said "refused"). */
static void no_memory_listed(void)
{
	int h, k, k2;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	k2 = add_node(N_KBD, USB_SPEED_HIGH, h, 2);
	plug(k2, true);
	heap_failures = 1;
	hub_notify(h);
	CHECK(stack_until(&hc, "usb: 1-5 port 2: out of memory for a device\n", 1000));
	CHECK_EQ(heap_failures, 0u);
	sim_log_clear();
	usb_list_devices(&hc);
	CHECK(sim_logged("\n    port 2  refused\n"));
	CHECK(sim_logged("\nrefused (most recent last):\n  1-5.2: out of memory for a device\n"));
	finish();
}

/* A root port whose resets never end is given up: listed with why under the name its
 * device would have had. (Nothing said why the port showed "refused".) */
static void root_port_given_up_listed(void)
{
	int k;

	start();
	k = add_node(N_KBD, USB_SPEED_HIGH, -1, ROOT_PORT);
	sim.stuck_port_resets = UINT_MAX;
	plug(k, true);
	CHECK(stack_until(&hc, "(try 3 of 3): given up until unplugged", 20000));
	sim_log_clear();
	usb_list_devices(&hc);
	CHECK(sim_logged(
		"\n  1-5: port given up: port reset did not finish in 500 ms, 3 times: until "
		"unplugged\n"));
	sim.stuck_port_resets = 0;
	finish();
}

/* The record keeps 8: ten names refused, the first two dropped and counted; a name refused
 * again moves to the end with its new reason and a count; a reason too long is cut and
 * terminated; a controller with nothing refused shows no "refused" section. */
static void refused_record_bounded(void)
{
	char name[16], why[160];

	start();
	sim_log_clear();
	usb_list_devices(&hc);
	CHECK(sim_logged("devices:\n") && !sim_logged("refused"));
	for (int i = 1; i <= 10; i++) {
		snprintf(name, sizeof(name), "1-%d", i);
		usb_refused_note(&hc, name, 0x1234, (uint16_t)i, "broken");
	}
	CHECK_EQ(hc.refused.n, 8u);
	CHECK_EQ(hc.refused.dropped, 2u);
	CHECK(!strcmp(hc.refused.e[0].name, "1-3") && !strcmp(hc.refused.e[7].name, "1-10"));
	usb_refused_note(&hc, "1-5", 0x1234, 5, "broken again");
	CHECK_EQ(hc.refused.n, 8u);
	CHECK_EQ(hc.refused.dropped, 2u);
	CHECK(!strcmp(hc.refused.e[7].name, "1-5") && hc.refused.e[7].times == 2u);
	CHECK(!strcmp(hc.refused.e[2].name, "1-6")); /* the ones after it moved up */
	memset(why, 'x', sizeof(why) - 1);
	why[sizeof(why) - 1] = 0;
	usb_refused_note(&hc, "1-11", 0, 0, why);
	CHECK_EQ(hc.refused.dropped, 3u);
	CHECK_EQ(strlen(hc.refused.e[7].why), (size_t)USB_REFUSED_WHY_SIZE - 1);

	sim_log_clear();
	usb_list_devices(&hc);
	CHECK(sim_logged("\nrefused (most recent last):\n  1-4 1234:0004: broken\n"));
	CHECK(sim_logged(
		"\n  1-10 1234:000a: broken\n  1-5 1234:0005: broken again (2 times)\n  1-11: xxx"));
	CHECK(!sim_logged("  1-3 "));
	CHECK(sim_logged("\n  (3 older on xhci sim dropped)\n"));
	finish();
}

int main(void)
{
	sim_log_start();
	RUN(failed_port_status_read_again);
	RUN(failed_port_status_port_given_up);
	RUN(failed_port_reset);
	RUN(failed_change_clear);
	RUN(failed_port_power);
	RUN(failed_hub_status);
	RUN(failed_disable_after_resets);
	RUN(failed_disable_of_unreadable_port);
	RUN(failed_hub_clear_read_again);
	RUN(failed_hub_clear_no_longer_read);
	RUN(failed_hub_descriptor_refuses);
	RUN(listing_hub_ports_and_refused);
	RUN(no_memory_listed);
	RUN(root_port_given_up_listed);
	RUN(refused_record_bounded);
	return unit_summary();
}
