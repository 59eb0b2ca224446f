// SPDX-License-Identifier: MIT
/*
 * Events the controller posts beside the completions the driver waits for
 * (src/drivers/usb/xhci_ring.c: xhci_process_events), on the simulated tree of
 * usb_tree_harness.h. Checked:
 * - a Port Status Change Event has the root ports scanned on the next tick, not at the
 *   next periodic scan; one naming a port the controller does not have is ignored;
 * - a Transfer Event of success for a control transfer's SETUP stage (a TRB that asked for
 *   none) does not end the transfer: its data and status stages do, a STALL among them
 *   included;
 * - Transfer Events for slot 0, a slot with no device and a slot past the controller's are
 *   dropped, the devices going on.
 */
#include "../../unit.h"
#include "usb_tree_harness.h"

/* Ticks until the root ports were scanned on the tick just gone: the next tick is not a
 * periodic scan (xhci_ports_poll: every 10th tick while no port is timed). */
static void just_after_scan(void)
{
	for (int i = 0; i < 20 && hc.ticks % 10 != 1; i++)
		stack_tick(&hc);
	CHECK_EQ(hc.ticks % 10, 1u);
}

/* A hub plugged into root port 5 between periodic scans: Port Status Change Events naming
 * port 0, one past the controller's last and 255 leave the port unscanned ("empty" on the
 * next tick); one naming port 5 has it seen on the next tick ("debounce"), and the hub gets
 * ready. (Without the event the port waited for the next periodic scan.) */
static void port_change_scanned_at_once(void)
{
	int h;

	start();
	h = add_node(N_HUB, USB_SPEED_HIGH, -1, ROOT_PORT);
	just_after_scan();
	plug(h, true);
	sim_port_event(&sim, 0);
	sim_port_event(&sim, hc.max_ports + 1);
	sim_port_event(&sim, 255);
	stack_tick(&hc);
	CHECK(!strcmp(xhci_port_state_name(hc.port[ROOT_PORT].state), "empty"));
	sim_port_event(&sim, ROOT_PORT);
	stack_tick(&hc);
	CHECK(!strcmp(xhci_port_state_name(hc.port[ROOT_PORT].state), "debounce"));
	CHECK(stack_until(&hc, "usb: 1-5: hub with 4 ports ready", 5000));
	finish();
}

/* A controller that reports every SETUP stage as done: the hub and its keyboards get ready
 * and type, and a GET_STATUS(port 2) that stalls is still seen as a STALL (read again) and
 * not as the SETUP's success. (Had that success ended the request, the STALL after it would
 * go unseen, endpoint 0 left halted, and the hub refused when nothing answered.) */
static void setup_stage_events_let_pass(void)
{
	static const unsigned int ports[] = { 1, 2 };
	int h, k[2];

	start();
	sim.setup_events = true;
	h = hub_with_keyboards(ports, 2, k);
	node[h].failed_port_status[2] = 1;
	plug(h, true);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	CHECK(sim_logged("usb: 1-5: GET_STATUS(port): endpoint 0 halted (code 6), reset"));
	CHECK(node[h].status_reads[2] >= 2u);
	types_a(k[0]);
	types_a(k[1]);
	CHECK(!sim_logged("refused"));
	finish();
}

/* Transfer Events, on endpoint 0 and on an interrupt endpoint, for slot 0, for a slot no
 * device holds and for slot 255 (past the slot table): dropped; the hub and its keyboard
 * go on and the keyboard types. */
static void events_for_no_device_dropped(void)
{
	static const unsigned int slots[] = { 0, SIM_SLOTS, 255 };
	int h, k;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	CHECK(hc.max_slots < 255 && !hc.slot_dev[SIM_SLOTS]);
	for (unsigned int i = 0; i < ARRAY_SIZE(slots); i++) {
		sim_post_transfer(&sim, slots[i], XHCI_DCI_EP0, 0, XHCI_CC_STALL, 0);
		sim_post_transfer(&sim, slots[i], 3, 0, XHCI_CC_TRB_ERROR, 0);
	}
	stack_ticks_ms(&hc, 20);
	CHECK(dev_of(h) != NULL);
	types_a(k);
	CHECK(!sim_logged("refused"));
	CHECK(!sim_logged("halted"));
	finish();
}

int main(void)
{
	sim_log_start();
	RUN(port_change_scanned_at_once);
	RUN(setup_stage_events_let_pass);
	RUN(events_for_no_device_dropped);
	return unit_summary();
}
