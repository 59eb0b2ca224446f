// SPDX-License-Identifier: MIT
/*
 * The transaction translator's buffer cleared (src/drivers/usb/usb_enum_cmd.c, usb_hub.c)
 * on the simulated tree of usb_tree_harness.h, whose controller gives each device the USB
 * address of its slot. A request to a low- or full-speed keyboard behind a high-speed hub
 * goes through the hub's translator as split transactions; when endpoint 0 halts on one, or
 * is stopped on one never answered, the translator may still hold it and delay the next
 * (USB 2.0 11.17.5). Checked:
 * - endpoint 0 halted (a keyboard that stalls its LED report): the hub gets CLEAR_TT_BUFFER
 *   for endpoint 0 of the keyboard's address, both directions, and its port and keyboard
 *   go on;
 * - a high-speed keyboard behind the same hub (no translator) halting the same way: none;
 * - a CLEAR_TT_BUFFER the hub fails is said, and the hub and the keyboard go on.
 */
#include "../../unit.h"
#include "usb_tree_harness.h"

/* Caps Lock pressed: the keyboard's LED report goes out; with stall_leds the keyboard
 * stalls it, halting endpoint 0 (reset, "not accepted"). Ticks until that is said. */
static void stalled_led_report(int k)
{
	unsigned int reports = node[k].led_reports;

	node[k].stall_leds = true;
	CHECK(led_listener != NULL);
	if (!led_listener)
		return;
	led_listener(KBD_LED_CAPSLOCK);
	CHECK(stack_until(&hc, "LED report not accepted", 2000));
	CHECK_EQ(node[k].led_reports, reports + 1);
	stack_ticks_ms(&hc, 20); /* the hub's turn between two looks */
}

/* A full-speed keyboard behind the high-speed hub stalls its LED report: the hub is asked
 * to clear its translator's buffer for endpoint 0 of the keyboard's address (its slot
 * here), OUT then IN (bit 15: IN; bits 11-12: control, 0; bits 4-10: the address), on its
 * single translator; the keyboard still types. */
static void halted_behind_translator(void)
{
	int h, k;
	struct usb_dev *d;

	start();
	h = hub_and_keyboard(USB_SPEED_FULL, 2, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	d = dev_of(k);
	CHECK(d != NULL && d->tt_slot != 0);
	if (!d)
		return;
	CHECK_EQ(node[h].tt_clears, 0u);
	stalled_led_report(k);
	CHECK_EQ(node[h].tt_clears, 2u);
	CHECK_EQ(node[h].tt_clear[0], (uint16_t)(d->slot << 4));
	CHECK_EQ(node[h].tt_clear[1], (uint16_t)(0x8000u | d->slot << 4));
	CHECK(!sim_logged("CLEAR_TT_BUFFER failed"));
	types_a(k);
	finish();
}

/* A high-speed keyboard on the same hub talks to it without a translator: the same stall
 * asks the hub nothing. */
static void high_speed_no_translator(void)
{
	int h, k;

	start();
	h = hub_and_keyboard(USB_SPEED_HIGH, 1, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.1 0627:0001 ready", 5000));
	stalled_led_report(k);
	CHECK_EQ(node[h].tt_clears, 0u);
	types_a(k);
	finish();
}

/* The hub stalls CLEAR_TT_BUFFER: each failure is said, the hub is not refused and keeps
 * watching its ports (a keyboard plugged into port 3 then gets ready), and the first
 * keyboard types. */
static void clear_failed(void)
{
	int h, k, k3;

	start();
	h = hub_and_keyboard(USB_SPEED_LOW, 2, &k);
	CHECK(stack_until(&hc, "kbd: usb 1-5.2 0627:0001 ready", 5000));
	node[h].failed_tt_clears = UINT_MAX;
	stalled_led_report(k);
	CHECK_EQ(node[h].tt_clears, 2u);
	CHECK(sim_logged("usb: 1-5: CLEAR_TT_BUFFER failed (completion code 6)\n"));
	CHECK(!sim_logged("refused"));
	k3 = add_node(N_KBD, USB_SPEED_FULL, h, 3);
	plug(k3, true);
	hub_notify(h);
	CHECK(stack_until(&hc, "kbd: usb 1-5.3 0627:0001 ready", 5000));
	types_a(k);
	types_a(k3);
	finish();
}

int main(void)
{
	sim_log_start();
	RUN(halted_behind_translator);
	RUN(high_speed_no_translator);
	RUN(clear_failed);
	return unit_summary();
}
