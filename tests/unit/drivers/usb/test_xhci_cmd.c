// SPDX-License-Identifier: MIT
/*
 * Host tests of the command ring's abort and timeout paths (src/drivers/usb/xhci_ring.c,
 * with usb_enum.c as the devices that wait on it) on the simulated controller of
 * xhci_sim.c: a command that never completes is aborted after 2 s (CRCR.CA: Command
 * Aborted, then Command Ring Stopped) and the ring runs the next one, also when the
 * controller stops on the hung TRB (it must have become a No Op) or says nothing but
 * CRCR.CRR; an Enable Slot that completes after its timeout leaves no slot enabled for
 * nobody; a device whose Disable Slot fails keeps its memory on hc->held (the slot may still
 * be enabled) until the controller is halted. A ring an abort never stops, and a Disable
 * Slot never answered, need the controller's recovery: test_xhci_health.c. The devices,
 * start, ticks and cleanup are test_usb_ep0.c's (ep0_harness.h).
 */
#include "ep0_harness.h"

/* Ticks with 1 ms per clock read until the log holds needle (a command's 2 s timeout, the
 * 5 s an abort is given). */
static void ticks_until_logged(const char *needle)
{
	host_time_skip_ns = 1000000;
	for (int i = 0; i < 20000 && !sim_logged(needle); i++)
		ticks(1);
	host_time_skip_ns = 50000;
	CHECK(sim_logged(needle));
}

/* Whether every slot the controller has enabled is a listed device's. */
static bool no_slot_leaked(void)
{
	for (unsigned int s = 1; s <= SIM_SLOTS; s++) {
		bool owned = false;

		for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
			owned |= d->slot == s;
		if (sim.slot_on[s] && !owned)
			return false;
	}
	return true;
}

/* A controller that never completes an Enable Slot until it is aborted, with a second device
 * waiting for the command ring: after 2 s the command is aborted (CRCR.CA; Command Aborted,
 * then Command Ring Stopped), its device refused, and the second device's Enable Slot runs
 * and that keyboard gets ready (the command was forgotten and the ring stayed stuck on it:
 * every later command timed out too). on_trb: the controller stops the ring on the hung
 * command without completing it, so the next doorbell would run it after all: it must have
 * become a No Op, not enabled a slot for nobody. no_event: the same without any event, so
 * only CRCR.CRR, read 5 s after the abort, says the ring stopped (not a failed controller). */
static void hung_command_aborted(bool on_trb, bool no_event)
{
	start(false);
	sim.hang_cmd = TRB_ENABLE_SLOT;
	sim.abort_on_trb = on_trb;
	sim.abort_no_event = no_event;
	usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks(2);
	CHECK(sim.hung != 0 && hc.cmd_busy);
	usb_dev_new(&hc, NULL, 6, USB_SPEED_HIGH);
	ticks_until_logged("usb: 1-5: refused: no answer to Enable Slot");
	CHECK(sim_logged("usb: xhci sim: command Enable Slot timed out: aborting it"));
	CHECK_EQ(sim.aborts, 1);
	CHECK(!hc.cmd_ring_stuck);
	ticks(200);
	CHECK(sim_logged("kbd: usb 1-6 0627:0001 ready in"));
	CHECK(usb_dev_list() != NULL && usb_dev_list()->slot == 1 && usb_dev_list()->next == NULL);
	CHECK_EQ(sim.commands[TRB_ENABLE_SLOT], 1); /* the hung one never ran */
	CHECK_EQ(sim.commands[TRB_NOOP_CMD], on_trb || no_event ? 1 : 0);
	CHECK(no_slot_leaked());
	cleanup();
}

static void hung_command_aborted_next_runs(void) { hung_command_aborted(false, false); }
static void hung_command_stopped_on_its_trb(void) { hung_command_aborted(true, false); }
static void hung_command_stopped_without_event(void) { hung_command_aborted(false, true); }

/* An Enable Slot that completes only after its 2 s timeout, as the abort comes (the slot is
 * enabled after all): a device unplugged while it waited has that slot disabled again, and
 * one still there gets it and becomes ready (the completion was ignored: each slot stayed
 * enabled in the controller for nobody, and the second device was refused). */
static void late_enable_slot_not_leaked(void)
{
	struct usb_dev *d;

	start(false);
	sim.hang_cmd = TRB_ENABLE_SLOT;
	sim.abort_waits = true;
	d = usb_dev_new(&hc, NULL, 5, USB_SPEED_HIGH);
	ticks(2);
	CHECK(sim.hung != 0);
	usb_dev_unplug(d); /* d is not touched again: the old driver freed it at the timeout */
	ticks_until_logged("timed out");
	sim_complete_hung(&sim);
	CHECK(sim.slot_on[1]);
	ticks(20);
	CHECK_EQ(sim.commands[TRB_DISABLE_SLOT], 1);
	CHECK(!sim.slot_on[1]);
	CHECK(usb_dev_list() == NULL);

	sim_log_clear();
	sim.hang_cmd = TRB_ENABLE_SLOT;
	usb_dev_new(&hc, NULL, 6, USB_SPEED_HIGH);
	ticks(2);
	CHECK(sim.hung != 0);
	ticks_until_logged("timed out");
	sim_complete_hung(&sim);
	ticks(200);
	CHECK(sim_logged("kbd: usb 1-6 0627:0001 ready in"));
	CHECK(!sim_logged("refused"));
	CHECK(usb_dev_list() != NULL && usb_dev_list()->slot == 2 && sim.slot_on[2]);
	CHECK(no_slot_leaked());
	cleanup();
	CHECK(!sim.slot_on[2]);
}

/* A keyboard unplugged whose Disable Slot fails (Context State Error): the slot may still be
 * enabled, so the device leaves the list but keeps its contexts, rings and buffers on
 * hc->held, with a line saying so, until the controller is halted (they were freed while
 * the controller could still write into them). One whose Disable Slot says Slot Not
 * Enabled has nothing left in the controller: freed as usual. */
static void disable_slot_failure_keeps_memory(void)
{
	struct usb_dev *d;
	long live;

	start(false);
	d = ready_keyboard();
	live = sim_dma_live();
	sim.disable_slot_cc = 19; /* Context State Error */
	usb_dev_unplug(d);
	ticks(10);
	CHECK(sim_logged("usb: 1-5: Disable Slot failed (completion code 19): slot 1 and its "
			 "memory kept until the controller is reset"));
	CHECK(usb_dev_list() == NULL && hc.held == d && hc.slot_dev[1] == NULL);
	CHECK_EQ(sim_dma_live(), live);
	CHECK(hc.held == d && hc.dcbaa[1] == d->out_ctx_phys && sim.slot_on[1]); /* (d not freed) */
	hc.dead = true; /* halted: usb_dev_free_held may give it back now */
	usb_dev_free_held(&hc);
	CHECK(hc.held == NULL && hc.dcbaa[1] == 0);
	CHECK_EQ(sim_dma_live(), live - 6);
	free(hc.slot_dev);

	start(false);
	d = ready_keyboard();
	live = sim_dma_live();
	sim.disable_slot_cc = XHCI_CC_SLOT_NOT_ENABLED;
	usb_dev_unplug(d);
	ticks(10);
	CHECK(usb_dev_list() == NULL && hc.held == NULL);
	CHECK_EQ(sim_dma_live(), live - 6);
	CHECK(!sim_logged("kept until"));
	free(hc.slot_dev);
}
int main(void)
{
	sim_log_start();
	RUN(hung_command_aborted_next_runs);
	RUN(hung_command_stopped_on_its_trb);
	RUN(hung_command_stopped_without_event);
	RUN(late_enable_slot_not_leaked);
	RUN(disable_slot_failure_keeps_memory);
	return unit_summary();
}
