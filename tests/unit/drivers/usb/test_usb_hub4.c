// SPDX-License-Identifier: MIT
/*
 * A hub refused while it is set up, and a hub over-current that ends around a port left
 * off (src/drivers/usb/usb_hub.c), on the simulated tree of usb_tree_harness.h. Checked:
 * - a hub behind a hub with no memory for its state, or whose hub descriptor does not
 *   parse, is refused with a line naming why: its port on the first hub shows "refused",
 *   the record says why, nothing behind it is enumerated, and the keyboard on another port
 *   of the first hub types on;
 * - when a hub over-current ends every port is powered again but one left off for its own
 *   over-currents, which stays off;
 * - a device pulled from a hub's port before it is reached (during the debounce, the
 *   reset or the recovery) leaves the port empty, sends no more resets and makes no
 *   device; plugged in again, it comes up;
 * - status change bits for ports past the hub's last are ignored: the hub still settles.
 */
#include "../../unit.h"
#include "usb_tree_harness.h"
#include "../../../../src/drivers/usb/usb_hub.h" /* HP_*: a hub port's states */

/* A hub and a keyboard on its port 1, both ready, and a second hub (with a keyboard on its
 * own port 1) plugged into port 3 of the first and announced: returns the second hub; its
 * faults are the caller's to set before it is stepped. */
static int hub_behind_hub(int *h, int *k)
{
	int h2;

	*h = hub_and_keyboard(USB_SPEED_HIGH, 1, k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	h2 = add_node(N_HUB, USB_SPEED_HIGH, *h, 3);
	node[add_node(N_KBD, USB_SPEED_HIGH, h2, 1)].plugged = true;
	plug(h2, true);
	sim_log_clear();
	return h2;
}

/* Devices the stack holds, refused ones not yet torn down included. */
static unsigned int devices(void)
{
	unsigned int n = 0;

	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		n++;
	return n;
}

/* The second hub is refused (refusal: its line) and gone: port 3 of the first is listed as
 * refused, the record has why, nothing behind the second hub was enumerated, and the
 * keyboard on port 1 types. */
static void second_hub_refused(int k, const char *refusal, const char *record)
{
	CHECK(stack_until(&hc, refusal, 5000));
	stack_ticks_ms(&hc, 20); /* torn down: Disable Slot */
	CHECK(!sim_logged("hub with 4 ports ready"));
	CHECK(!sim_logged("1-5.3.1"));
	CHECK_EQ(devices(), 2u); /* the first hub and its keyboard */
	CHECK(hub_port_listed(3, "refused"));
	CHECK(sim_logged(record));
	types_a(k);
}

/* No memory for the second hub's state when it attaches: refused "out of memory". (Had it
 * gone on, its first step would have read a hub state that is not there.) */
static void hub_state_out_of_memory(void)
{
	int h, k, h2;

	start();
	h2 = hub_behind_hub(&h, &k);
	hub_notify(h);
	for (int i = 0; i < 2000 && !dev_of(h2); i++)
		stack_tick(&hc);
	CHECK(dev_of(h2) != NULL); /* its device allocated: the next allocation is the hub's */
	heap_failures = 1;
	second_hub_refused(k, "usb: 1-5.3 0409:0001: refused: out of memory\n",
			   "\n  1-5.3 0409:0001: out of memory\n");
	CHECK_EQ(heap_failures, 0u);
	finish();
}

/* The second hub's descriptor claims no ports (bNbrPorts 0): refused with the parser's
 * reason, before its endpoint is configured. */
static void hub_descriptor_refused(void)
{
	int h, k, h2;
	unsigned int configured;

	start();
	h2 = hub_behind_hub(&h, &k);
	node[h2].nports = 0;
	configured = sim.commands[TRB_CONFIGURE_EP];
	hub_notify(h);
	second_hub_refused(k, "usb: 1-5.3 0409:0001: refused: hub port count not 1-15\n",
			   "\n  1-5.3 0409:0001: hub port count not 1-15\n");
	CHECK_EQ(sim.commands[TRB_CONFIGURE_EP], configured);
	finish();
}

/* Over-current on port p of hub node h begins (the hub switches the port off: power,
 * connection, enable clear) or ends; C_PORT_OVER_CURRENT set either way. */
static void port_over_current(int h, unsigned int p, bool active)
{
	if (active) {
		node[h].status[p] = PS_OVER_CURRENT;
		node[h].change[p] |= C_CONNECTION;
	} else {
		node[h].status[p] &= (uint16_t)~PS_OVER_CURRENT;
	}
	node[h].change[p] |= PS_OVER_CURRENT;
}

/* Port 2's over-current comes back four times: left unpowered. A whole-hub over-current
 * then begins and ends: ports 1, 3 and 4 are powered again, port 2 is not and stays "off
 * (over-current)"; the keyboards on ports 1 and 3 type. */
static void hub_over_current_passes_port_left_off(void)
{
	static const unsigned int ports[] = { 1, 2, 3 };
	unsigned int powered[5];
	int h, k[3];

	start();
	h = hub_with_keyboards(ports, 3, k);
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.3 0627:0001 ready", 5000));
	for (int i = 0; i < 4; i++) {
		sim_log_clear();
		port_over_current(h, 2, true);
		hub_notify(h);
		port_over_current(h, 2, false);
		if (i < 3)
			CHECK(stack_until(&hc, "usb: 1-5 port 2: over-current ended: powered again",
					  5000));
	}
	CHECK(stack_until(&hc, "usb: 1-5 port 2: over-current 4 times in a row: left unpowered\n",
			  1000));
	stack_ticks_ms(&hc, 300);
	memcpy(powered, node[h].power_requests, sizeof(powered));

	node[h].hub_status = HUB_OVER_CURRENT;
	node[h].hub_change = HUB_OVER_CURRENT;
	hub_notify(h);
	CHECK(stack_until(&hc, "usb: 1-5: hub over-current: its ports are off until it ends\n",
			  100));
	node[h].hub_status = 0;
	node[h].hub_change = HUB_OVER_CURRENT;
	hub_notify(h);
	CHECK(stack_until(&hc, "usb: 1-5: hub over-current ended: its ports powered again\n", 100));
	stack_ticks_ms(&hc, 300); /* past the hub's power-on time */
	for (unsigned int p = 1; p <= 4; p++)
		CHECK_EQ(node[h].power_requests[p], powered[p] + (p != 2));
	CHECK(!(node[h].status[2] & PS_POWER));
	CHECK(hub_port_listed(2, "off (over-current)"));
	types_a(k[0]);
	types_a(k[2]);
	finish();
}

/* Hub h's port p state, or -1 when the hub is not there. */
static int hub_port_state(int h, unsigned int p)
{
	struct usb_dev *d = dev_of(h);

	return d && d->hub ? d->hub->port[p].state : -1;
}

/* A keyboard plugged into port 2 of a hub is pulled out while the port waits out its
 * debounce, while its reset runs (one that never ends: PORT_RESET stays set) and during the
 * reset recovery, each time once with the connection change the hub reports and once
 * without it (a hub that loses the change bit: the port's own timed looks find it gone):
 * the port is empty again, no more resets are sent and no device is made; the keyboard on
 * port 1 types on. Plugged in again, the keyboard gets ready. (The root ports' twin is
 * test_xhci_port_health's root_port_pulled_before_its_device.) */
static void hub_port_pulled_before_its_device(void)
{
	static const int when[] = { HP_DEBOUNCE, HP_RESET, HP_RECOVERY };
	int k1, k2, h;

	start();
	h = hub_and_keyboard(USB_SPEED_FULL, 1, &k1);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	k2 = add_node(N_KBD, USB_SPEED_FULL, h, 2);
	for (unsigned int i = 0; i < 2 * ARRAY_SIZE(when); i++) {
		int state = when[i % ARRAY_SIZE(when)];
		bool change_lost = i >= ARRAY_SIZE(when);
		unsigned int resets;

		node[h].stuck_resets[2] = state == HP_RESET ? UINT_MAX : 0;
		plug(k2, true);
		hub_notify(h);
		for (int t = 0; t < 5000 && hub_port_state(h, 2) != state; t++)
			stack_tick(&hc);
		CHECK_EQ(hub_port_state(h, 2), state);
		resets = node[h].reset_requests[2];
		plug(k2, false);
		if (change_lost)
			node[h].change[2] &= (uint16_t)~C_CONNECTION;
		else
			hub_notify(h);
		stack_ticks_ms(&hc, 700); /* past the reset's 500 ms, the recovery's 10 */
		UNIT_CHECKED();
		if (hub_port_state(h, 2) != HP_EMPTY || node[h].reset_requests[2] != resets) {
			fprintf(stderr, "  state %d%s: ends in %d after %u more resets\n", state,
				change_lost ? ", change lost" : "", hub_port_state(h, 2),
				node[h].reset_requests[2] - resets);
			UNIT_FAIL();
		}
		CHECK(dev_of(k2) == NULL);
		CHECK_EQ(devices(), 2u); /* the hub and the keyboard on port 1 */
	}
	node[h].stuck_resets[2] = 0;
	plug(k2, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	types_a(k1);
	types_a(k2);
	finish();
}

/* A 4-port hub whose status change bitmap also marks ports 5-7, which it does not have
 * (reserved bits, USB 2.0 11.12.4): they are not looked at, and the hub counts as settled
 * once its real ports are (the marks stayed pending for ever, so a self-test boot waited
 * out its whole settle timeout and said devices were still enumerating). */
static void bitmap_past_last_port_ignored(void)
{
	struct usb_dev *d;
	unsigned int i, reads;
	int h, k;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	d = dev_of(h);
	CHECK(d != NULL && usb_hub_settled(d));
	if (!d)
		return;
	reads = node[h].status_reads[1];
	i = d->intr_deq;
	xhci_intr_data(d, i)[0] = 0xe0 | 1u << 1; /* ports 5-7, and port 1 */
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys + i * 16, XHCI_CC_SUCCESS, 0);
	stack_ticks_ms(&hc, 20);
	CHECK_EQ(node[h].status_reads[1], reads + 1); /* port 1 looked at */
	CHECK(usb_hub_settled(d));
	CHECK(!sim_logged("refused"));
	types_a(k);
	finish();
}

int main(void)
{
	sim_log_start();
	RUN(hub_state_out_of_memory);
	RUN(hub_descriptor_refused);
	RUN(hub_over_current_passes_port_left_off);
	RUN(hub_port_pulled_before_its_device);
	RUN(bitmap_past_last_port_ignored);
	return unit_summary();
}
