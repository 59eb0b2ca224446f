// SPDX-License-Identifier: MIT
/*
 * A controller's health and its recovery (src/drivers/usb/xhci_health.c), with the whole
 * stack (ports, enumeration, hubs, the keyboard) on the simulated controller of xhci_sim.c
 * (xhci_health_harness.h): a Host Controller Error or Host System Error while a keyboard is
 * in use halts and resets the controller, the keyboard goes and comes back by itself (the
 * ports powered again: a reset powers them off), and the old controller memory is given back
 * (counted, and poisoned under ASan so that any later touch of it is reported); a controller
 * that keeps failing is stopped after XHCI_MAX_RECOVERIES resets and one whose reset never
 * finishes after 1 s, their devices gone; one that does not halt keeps its devices (it may
 * still write their memory), frozen, its keyboards' keys released; a controller whose
 * registers read all ones is gone for good, and its devices with it; one whose setup after
 * the reset runs out of kmalloc memory is stopped with all of it given back, the memory
 * setup got before the failure too. A command whose abort
 * never stops the command ring resets the controller like an error; a device whose Disable
 * Slot is not answered keeps its memory (the slot may still be enabled) until the reset.
 * A port's own faults (over-current, a stuck USB 3 link): test_xhci_port_health.c.
 */
#include <lios/usb.h>
#include "xhci_health_harness.h"

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

	memcpy(xhci_intr_data(d, i), r, 8);
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
 * waiting device is not timed out and freed (it was, after 2 s). The keyboard is no longer
 * counted ready (usb_kbd_count, which `kbd` names): it cannot type any more. */
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
	CHECK_EQ(usb_kbd_count(), 0u);
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

/* kmalloc failing at each of the recovery's setup allocations in turn (DCBAA, scratchpad
 * array, list and pages, command ring, event ring and its segment table; two scratchpads
 * named by HCSPARAMS2): stopped with the reason on one line, never started (Run/Stop
 * clear), and everything it holds given back: the old memory, the new memory allocated
 * before the failure (the controller was reset and never ran on it) and the keyboard's. */
static void recovery_out_of_memory_gives_back(void)
{
	const unsigned int allocs = 8; /* DCBAA, array, list, 2 pages, command, event, ERST */

	for (unsigned int k = 1; k <= allocs; k++) {
		start();
		sim.reg[XHCI_HCSPARAMS2 / 4] = 2u << 27; /* Max Scratchpad Bufs Lo */
		USBSTS |= XHCI_STS_HCE;
		CHECK(stack_until(&hc, "resetting it (1 of 3)", 200));
		CHECK(stack_until(&hc, "kbd: usb 1-5 removed", 50));
		sim_dma_fail(k);
		CHECK(stack_until(&hc, "usb: xhci sim: out of kmalloc memory: stopped\n", 5000));
		sim_dma_fail(0);
		CHECK(hc.dead);
		CHECK_EQ(hc.recovery, XHCI_RECOVERY_NONE);
		CHECK(!(sim.reg[(SIM_OP + XHCI_USBCMD) / 4] & XHCI_CMD_RUN));
		CHECK(usb_dev_list() == NULL);
		UNIT_CHECKED();
		if (sim_dma_live() != 0) {
			fprintf(stderr, "  allocation %u failing: %ld allocations kept\n", k,
				sim_dma_live());
			UNIT_FAIL();
		}
		finish();
	}
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
	RUN(abort_never_stops_ring);
	RUN(disable_slot_unanswered_keeps_memory);
	RUN(recovery_out_of_memory_gives_back);
	RUN(gone);
	return unit_summary();
}
