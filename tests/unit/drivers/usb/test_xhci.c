// SPDX-License-Identifier: MIT
/*
 * Host tests of the xHCI takeover and setup (src/drivers/usb/xhci.c) against the simulated
 * register file of xhci_sim.c, for the paths QEMU never takes: the USB Legacy Support
 * handoff (a BIOS that lets go, one that never does: forced, SMIs off, reported), a
 * controller whose CNR never clears or that never halts (bounded, reported), a controller
 * left running by firmware, scratchpad buffers (the count split over HCSPARAMS2 bits 25:21
 * and 31:27, DCBAA[0] pointing at the array), 64-byte contexts and page sizes, the stop
 * before a reboot or power-off, registers or capabilities placed past the mapped BAR, the
 * stop of a controller whose takeover failed, and every other refusal: a reset or a start
 * that never ends, a BAR too small, registers that read all ones, capability registers that
 * describe no controller, too many scratchpads, and kmalloc failing at each allocation;
 * and the takeover a step at a time, as usb.c runs a slow one from the tick.
 */
#include <lios/errno.h>
#include <lios/kmalloc.h>
#include <lios/time.h>
#include <string.h>
#include "../../unit.h"
#include "xhci_sim.h"

extern uint64_t host_time_skip_ns; /* src/arch/host/time_host.c */

/* stand-ins for what xhci_ring.c calls in the rest of the stack */
void usb_dev_refuse(struct usb_dev *d, const char *why) { (void)d, (void)why; }
void usb_dev_intr_error(struct usb_dev *d, uint32_t cc) { (void)d, (void)cc; }
void usb_kbd_report(struct usb_dev *d, const uint8_t *data, size_t len) { (void)d, (void)data, (void)len; }
void usb_hub_report(struct usb_dev *d, const uint8_t *data, size_t len) { (void)d, (void)data, (void)len; }
void xhci_port_changed(struct xhci *hc, unsigned int port) { (void)hc, (void)port; }

static struct xhci_sim sim;
static struct xhci hc;
static char why[80];

/* A fresh simulator with the knobs of *knobs. */
static void fresh(const struct xhci_sim *knobs)
{
	sim = *knobs;
	sim_init(&sim);
	sim_attach(&sim, &hc);
	sim_log_clear();
	why[0] = 0;
	host_time_skip_ns = 0;
	sim_dma_fail(0);
}

#define LEGSUP sim.reg[SIM_XCAP / 4]
#define LEGCTL sim.reg[(SIM_XCAP + XHCI_LEGCTLSTS) / 4]
#define OPREG(r) sim.reg[(SIM_OP + (r)) / 4]

static void handoff_bios_lets_go(void)
{
	fresh(&(struct xhci_sim){.legacy = true, .bios_owned = true, .bios_lets_go = true});
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), 0);
	CHECK(LEGSUP & XHCI_LEGSUP_OS_OWNED);
	CHECK(!(LEGSUP & XHCI_LEGSUP_BIOS_OWNED));
	CHECK_EQ(sim.byte_writes, 1);           /* OS Owned set with a byte write */
	CHECK_EQ(LEGCTL & XHCI_LEGCTLSTS_SMI_ENABLES, 0);
	CHECK_EQ(LEGCTL & XHCI_LEGCTLSTS_SMI_EVENTS, 0); /* acknowledged */
	CHECK(sim_logged("BIOS handed the controller over"));
	CHECK(!sim_logged("taking it"));
	CHECK_EQ(sim.reset_count, 1);
}

static void handoff_bios_never_lets_go(void)
{
	fresh(&(struct xhci_sim){.legacy = true, .bios_owned = true});
	host_time_skip_ns = 20000000; /* 20 ms per clock read: the 1 s wait ends at once */
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), 0);
	host_time_skip_ns = 0;
	CHECK(LEGSUP & XHCI_LEGSUP_OS_OWNED);
	CHECK(!(LEGSUP & XHCI_LEGSUP_BIOS_OWNED)); /* forced */
	CHECK_EQ(LEGCTL & XHCI_LEGCTLSTS_SMI_ENABLES, 0);
	CHECK(sim_logged("usb: xhci sim: BIOS kept the controller for 1 s, taking it"));
	CHECK_EQ(sim.reset_count, 1);
}

static void handoff_not_bios_owned(void)
{
	fresh(&(struct xhci_sim){.legacy = true});
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), 0);
	CHECK(LEGSUP & XHCI_LEGSUP_OS_OWNED);
	CHECK_EQ(LEGCTL & XHCI_LEGCTLSTS_SMI_ENABLES, 0);
	CHECK(!sim_logged("BIOS"));

	fresh(&(struct xhci_sim){0}); /* no capability: nothing written byte-wise */
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), 0);
	CHECK_EQ(sim.byte_writes, 0);
}

static void cnr_never_clears(void)
{
	fresh(&(struct xhci_sim){.cnr_stuck = true});
	host_time_skip_ns = 50000000;
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), -EIO);
	host_time_skip_ns = 0;
	CHECK(strstr(why, "not ready") != NULL);
	CHECK_EQ(sim.reset_count, 0);
}

static void never_halts(void)
{
	fresh(&(struct xhci_sim){.running = true, .never_halts = true});
	host_time_skip_ns = 1000000;
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), -EIO);
	host_time_skip_ns = 0;
	CHECK(strstr(why, "did not halt") != NULL);
	CHECK_EQ(sim.reset_count, 0); /* never reset while running */
}

static void left_running(void)
{
	fresh(&(struct xhci_sim){.running = true});
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), 0);
	CHECK_EQ(sim.reset_count, 1);
	CHECK_EQ(hc.op, SIM_OP);
	CHECK_EQ(hc.rt, SIM_RT);
	CHECK_EQ(hc.db, SIM_DB);
	CHECK_EQ(hc.max_ports, SIM_PORTS);
	CHECK_EQ(hc.max_slots, SIM_SLOTS);
	CHECK_EQ(hc.port[1].major, 3);
	CHECK_EQ(hc.port[4].major, 3);
	CHECK_EQ(hc.port[5].major, 2);
	CHECK_EQ(hc.port[8].major, 2);
}

static void setup_plain(void)
{
	fresh(&(struct xhci_sim){0});
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), 0);
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), 0);
	CHECK_EQ(hc.ctx_size, 32);
	CHECK_EQ(hc.page_size, 4096);
	CHECK_EQ(hc.scratchpads, 0);
	CHECK_EQ(hc.dcbaa[0], 0);
	CHECK_EQ(OPREG(XHCI_DCBAAP) | (uint64_t)OPREG(XHCI_DCBAAP + 4) << 32, virt_to_phys(hc.dcbaa));
	CHECK_EQ(OPREG(XHCI_CONFIG), SIM_SLOTS);
	CHECK_EQ(sim.cmd_deq, hc.cmd.phys);
	CHECK_EQ(sim.ev_base, hc.ev_phys);
	CHECK_EQ(sim.ev_size, XHCI_EVENT_TRBS);
	CHECK(!(OPREG(XHCI_USBSTS) & XHCI_STS_HCH));
	CHECK(OPREG(XHCI_USBCMD) & XHCI_CMD_RUN);
}

static void scratchpads(void)
{
	/* 35 = Hi 1 (bits 25:21) << 5 | Lo 3 (bits 31:27) */
	fresh(&(struct xhci_sim){.scratch_hi = 1, .scratch_lo = 3});
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), 0);
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), 0);
	CHECK_EQ(hc.scratchpads, 35);
	CHECK(hc.scratch_array != NULL);
	if (!hc.scratch_array)
		return;
	CHECK_EQ(hc.dcbaa[0], virt_to_phys(hc.scratch_array));
	CHECK_EQ(hc.dcbaa[0] % 64, 0);
	for (unsigned int i = 0; i < 35; i++) {
		CHECK(hc.scratch_array[i] != 0);
		CHECK_EQ(hc.scratch_array[i] % 4096, 0);
		if (i)
			CHECK(hc.scratch_array[i] != hc.scratch_array[i - 1]);
	}
	CHECK_EQ(hc.scratch_array[35], 0);

	fresh(&(struct xhci_sim){.scratch_lo = 31}); /* Lo alone */
	xhci_takeover(&hc, why, sizeof(why));
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), 0);
	CHECK_EQ(hc.scratchpads, 31);
	fresh(&(struct xhci_sim){.scratch_hi = 2}); /* Hi alone: 64 */
	xhci_takeover(&hc, why, sizeof(why));
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), 0);
	CHECK_EQ(hc.scratchpads, 64);
	CHECK_EQ(hc.dcbaa[0], virt_to_phys(hc.scratch_array));
}

static void context_size(void)
{
	uint8_t *ctx = (uint8_t *)0x1000;

	fresh(&(struct xhci_sim){.csz = true});
	xhci_takeover(&hc, why, sizeof(why));
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), 0);
	CHECK_EQ(hc.ctx_size, 64);
	CHECK(xhci_ctx(&hc, ctx, 1) == ctx + 64);  /* input: slot context after the control one */
	CHECK(xhci_ctx(&hc, ctx, 2) == ctx + 128); /* input: endpoint 0 */
	fresh(&(struct xhci_sim){0});
	xhci_takeover(&hc, why, sizeof(why));
	xhci_setup(&hc, why, sizeof(why));
	CHECK(xhci_ctx(&hc, ctx, 2) == ctx + 64);
}

static void page_size(void)
{
	fresh(&(struct xhci_sim){.pagesize = 0x6}); /* 8 and 16 KiB: the smallest is used */
	xhci_takeover(&hc, why, sizeof(why));
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), 0);
	CHECK_EQ(hc.page_size, 8192);
	fresh(&(struct xhci_sim){.pagesize = 0x2, .scratch_lo = 2}); /* scratchpads need 4 KiB pages */
	xhci_takeover(&hc, why, sizeof(why));
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), -ENOTSUP);
	CHECK(strstr(why, "page size") != NULL);
	fresh(&(struct xhci_sim){0});
	xhci_takeover(&hc, why, sizeof(why));
	OPREG(XHCI_PAGESIZE) = 0;
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), -EIO);
	CHECK(strstr(why, "PAGESIZE") != NULL);
}

/* A reset that never ends (HCRST stays set): bounded at 10 s, reported, -EIO. */
static void reset_never_finishes(void)
{
	fresh(&(struct xhci_sim){.reset_stuck = true});
	host_time_skip_ns = 50000000; /* 50 ms a clock read: the 10 s wait ends at once */
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), -EIO);
	host_time_skip_ns = 0;
	CHECK(!strcmp(why, "controller reset did not finish in 10 s"));
	CHECK_EQ(sim.reset_count, 1);
}

/* A BAR smaller than the capability registers: refused before the first read. */
static void bar_too_small(void)
{
	fresh(&(struct xhci_sim){.window = 0x10});
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), -ENODEV);
	CHECK(!strcmp(why, "a 0x10-byte BAR cannot hold the registers"));
	CHECK_EQ(sim.outside, 0);
	CHECK_EQ(hc.op, 0);               /* xhci_abandon touches nothing */
	CHECK_EQ(xhci_abandon(&hc), -EIO);
	CHECK_EQ(sim.outside, 0);
}

/* A controller that reads all ones (gone from the bus, or a BAR that decodes nothing):
 * refused as such, nothing written, and xhci_abandon then writes nothing either. */
static void registers_all_ones(void)
{
	fresh(&(struct xhci_sim){0});
	memset(sim.reg, 0xff, sizeof(sim.reg));
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), -ENODEV);
	CHECK(!strcmp(why, "registers read all ones"));
	CHECK_EQ(hc.op, 0);
	CHECK_EQ(xhci_abandon(&hc), -EIO);
	CHECK_EQ(OPREG(XHCI_USBCMD), 0xffffffffu); /* untouched */
	CHECK_EQ(sim.reset_count, 0);
}

/* Capability registers that cannot describe a controller: operational registers inside the
 * capabilities, no slot, no port, runtime or doorbell registers at offset 0. Each is
 * refused, with nothing written (no halt, no reset) and xhci_abandon touching nothing. */
static void capabilities_nonsense(void)
{
	static const struct {
		uint32_t off, value;
	} bad[] = {
		{XHCI_CAPLENGTH, 0x01000010u},          /* CAPLENGTH 0x10: below the 0x20 of capabilities */
		{XHCI_HCSPARAMS1, SIM_PORTS << 24 | 1u << 8}, /* no device slot */
		{XHCI_HCSPARAMS1, 1u << 8 | SIM_SLOTS}, /* no root port */
		{XHCI_RTSOFF, 0},
		{XHCI_DBOFF, 0},
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fresh(&(struct xhci_sim){.running = true});
		sim.reg[bad[i].off / 4] = bad[i].value;
		CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), -ENODEV);
		CHECK(!strcmp(why, "capability registers make no sense"));
		CHECK_EQ(hc.op, 0);
		CHECK_EQ(xhci_abandon(&hc), -EIO);
		CHECK(OPREG(XHCI_USBCMD) & XHCI_CMD_RUN); /* nothing written */
		CHECK_EQ(sim.reset_count, 0);
	}
}

/* More scratchpad buffers than one array page lists (1023: Hi 31, Lo 31): refused before
 * anything is allocated or started. */
static void too_many_scratchpads(void)
{
	long live;

	fresh(&(struct xhci_sim){.scratch_hi = 31, .scratch_lo = 31});
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), 0);
	live = sim_dma_live();
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), -ENOTSUP);
	CHECK(!strcmp(why, "more scratchpads than one array page holds"));
	CHECK_EQ(hc.scratchpads, 1023);
	CHECK_EQ(sim_dma_live(), live);
	CHECK(!(OPREG(XHCI_USBCMD) & XHCI_CMD_RUN));
}

/* Run/Stop set but HCHalted stays set: bounded at 32 ms, reported, -EIO. */
static void never_starts(void)
{
	fresh(&(struct xhci_sim){.never_runs = true});
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), 0);
	host_time_skip_ns = 1000000;
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), -EIO);
	host_time_skip_ns = 0;
	CHECK(!strcmp(why, "controller did not start in 32 ms"));
}

/* kmalloc failing at each of setup's allocations in turn (DCBAA, scratchpad array, list and
 * pages, command ring, event ring and its segment table): each is -ENOMEM with its reason,
 * and the controller is never started on half of its memory; once every allocation
 * succeeds, setup does. The count comes from a setup where none fails. */
static void setup_out_of_memory(void)
{
	const struct xhci_sim knobs = {.scratch_lo = 2};
	long allocs, k;

	fresh(&knobs);
	xhci_takeover(&hc, why, sizeof(why));
	allocs = sim_dma_live();
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), 0);
	allocs = sim_dma_live() - allocs;
	CHECK(allocs >= 7); /* DCBAA, array, list, 2 pages, command ring, event ring, ERST */
	for (k = 1; k <= allocs; k++) {
		fresh(&knobs);
		xhci_takeover(&hc, why, sizeof(why));
		sim_dma_fail((unsigned int)k);
		UNIT_CHECKED();
		if (xhci_setup(&hc, why, sizeof(why)) != -ENOMEM || strcmp(why, "out of kmalloc memory")) {
			fprintf(stderr, "  allocation %ld of %ld failing: \"%s\"\n", k, allocs, why);
			UNIT_FAIL();
		}
		CHECK(!(OPREG(XHCI_USBCMD) & XHCI_CMD_RUN));
	}
	fresh(&knobs);
	xhci_takeover(&hc, why, sizeof(why));
	sim_dma_fail((unsigned int)k);
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), 0);
}

#define IMAN0 sim.reg[(SIM_RT + XHCI_IR(0) + XHCI_IMAN) / 4]

/* xhci_stop before a reboot or power-off: a running controller with interrupts on ends
 * halted, interrupter and USBCMD.INTE off, a pending IP acknowledged; reset only if asked. */
static void stop_running(void)
{
	fresh(&(struct xhci_sim){0});
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), 0);
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), 0);
	IMAN0 = XHCI_IMAN_IE | XHCI_IMAN_IP;
	OPREG(XHCI_USBCMD) |= XHCI_CMD_INTE;
	CHECK_EQ(xhci_stop(&hc, false, why, sizeof(why)), 0);
	CHECK(OPREG(XHCI_USBSTS) & XHCI_STS_HCH);
	CHECK(!(OPREG(XHCI_USBCMD) & (XHCI_CMD_RUN | XHCI_CMD_INTE)));
	CHECK_EQ(IMAN0, 0u); /* IE clear; IP written 1: acknowledged (RW1C) */
	CHECK_EQ(sim.reset_count, 1);  /* the takeover's only */

	fresh(&(struct xhci_sim){0});
	xhci_takeover(&hc, why, sizeof(why));
	xhci_setup(&hc, why, sizeof(why));
	CHECK_EQ(xhci_stop(&hc, true, why, sizeof(why)), 0);
	CHECK_EQ(sim.reset_count, 2);  /* the Lynx Point-LP quirk's reset */
	CHECK(!(OPREG(XHCI_USBCMD) & XHCI_CMD_HCRST));
}

/* A controller that does not halt: bounded (32 ms), reported, and never reset running. */
static void stop_never_halts(void)
{
	fresh(&(struct xhci_sim){0});
	xhci_takeover(&hc, why, sizeof(why));
	xhci_setup(&hc, why, sizeof(why));
	sim.never_halts = true;
	host_time_skip_ns = 1000000;
	CHECK_EQ(xhci_stop(&hc, true, why, sizeof(why)), -EIO);
	host_time_skip_ns = 0;
	CHECK(strstr(why, "did not halt") != NULL);
	CHECK_EQ(sim.reset_count, 1);
}

/* The extended capability list against the mapped BAR: a BAR that ends before the list
 * starts, a list whose last next pointer (corrupt) leads past the BAR's end, and BARs that
 * end inside a Supported Protocol or a USB Legacy Support capability. Each
 * controller is refused with a message naming the capability, and no register outside the
 * BAR is touched (the walk went on up to 64 KiB: past the mapping, a page fault). */
static void xcaps_outside_bar(void)
{
	fresh(&(struct xhci_sim){.window = 0x1000});
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), -ENODEV);
	CHECK(!strcmp(why, "extended capability at 0x1010 lies outside the 0x1000-byte BAR"));
	CHECK_EQ(sim.outside, 0);

	fresh(&(struct xhci_sim){.window = 0x1100});
	sim.reg[(SIM_XCAP + 0x20) / 4] |= 0xffu << 8; /* the last one's next: 0x3fc bytes on */
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), -ENODEV);
	CHECK(!strcmp(why, "extended capability at 0x141c lies outside the 0x1100-byte BAR"));
	CHECK_EQ(sim.outside, 0);
	CHECK_EQ(sim.reset_count, 0); /* refused before anything was written */

	/* a capability whose header is inside but whose fields the driver reads are not:
	 * the last Supported Protocol's 12 bytes, and the USB Legacy Support's 8 */
	fresh(&(struct xhci_sim){.window = 0x1028});
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), -ENODEV);
	CHECK(!strcmp(why, "extended capability at 0x1020 lies outside the 0x1028-byte BAR"));
	CHECK_EQ(hc.op, 0);
	CHECK_EQ(sim.outside, 0);
	CHECK_EQ(sim.reset_count, 0);
	fresh(&(struct xhci_sim){.window = 0x1004, .legacy = true, .bios_owned = true});
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), -ENODEV);
	CHECK(!strcmp(why, "extended capability at 0x1000 lies outside the 0x1004-byte BAR"));
	CHECK_EQ(sim.outside, 0);
	CHECK_EQ(sim.byte_writes, 0); /* OS Owned never asked for */
	CHECK(LEGSUP & XHCI_LEGSUP_BIOS_OWNED);
}

/* Runtime, doorbell and operational registers (with the port registers) that the capability
 * registers place past the BAR's end: refused by the takeover, nothing touched out there
 * (setup wrote the event ring registers there, and every port scan read past it). */
static void register_offsets_outside_bar(void)
{
	static const struct {
		uint32_t off, value, window;
	} bad[] = {
		{XHCI_RTSOFF, SIM_SIZE, SIM_SIZE},        /* interrupter 0 past the end */
		{XHCI_DBOFF, SIM_SIZE - 16, SIM_SIZE},    /* doorbells of slots 4-8 past it */
		{XHCI_CAPLENGTH, 0x01000000u | SIM_OP, 0x440}, /* ports 5-8 past a small BAR */
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fresh(&(struct xhci_sim){.window = bad[i].window});
		sim.reg[bad[i].off / 4] = bad[i].value;
		CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), -ENODEV);
		CHECK(strstr(why, "operational, runtime or doorbell registers outside the") != NULL);
		CHECK_EQ(sim.outside, 0);
	}
	/* the same BAR, registers where they belong: taken over and set up */
	fresh(&(struct xhci_sim){.window = SIM_SIZE});
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), 0);
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), 0);
	CHECK_EQ(sim.outside, 0);
}

/* What usb.c's probe does with a controller it failed to take over or set up (xhci_abandon,
 * then bus mastering off). Its CNR never clears: the takeover gives up, and abandoning it
 * writes nothing either (xHCI 4.2: no operational register while CNR is set), -EBUSY saying
 * that only bus mastering stops it. Firmware left it running and the setup failed after
 * the takeover: abandoning it halts it (it ran on: the probe only returned). Registers
 * placed outside the BAR: nothing is touched, not even to halt, and -EIO. */
static void abandon_failed_controller(void)
{
	static uint32_t before[SIM_SIZE / 4];

	fresh(&(struct xhci_sim){.running = true, .cnr_stuck = true});
	host_time_skip_ns = 50000000;
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), -EIO);
	host_time_skip_ns = 0;
	memcpy(before, sim.reg, sizeof(before));
	CHECK_EQ(xhci_abandon(&hc), -EBUSY);
	CHECK(!memcmp(before, sim.reg, sizeof(before))); /* no register written */
	CHECK(OPREG(XHCI_USBCMD) & XHCI_CMD_RUN);

	fresh(&(struct xhci_sim){.running = true});
	CHECK_EQ(xhci_takeover_begin(&hc, why, sizeof(why)), 0); /* registers found sane */
	CHECK(OPREG(XHCI_USBCMD) & XHCI_CMD_RUN);
	CHECK_EQ(xhci_abandon(&hc), 0);
	CHECK(!(OPREG(XHCI_USBCMD) & XHCI_CMD_RUN));
	CHECK(OPREG(XHCI_USBSTS) & XHCI_STS_HCH);
	CHECK_EQ(sim.reset_count, 0); /* stopped, not reset: its memory may still be pointed at */

	fresh(&(struct xhci_sim){.running = true, .window = SIM_SIZE});
	sim.reg[XHCI_RTSOFF / 4] = SIM_SIZE;
	CHECK_EQ(xhci_takeover(&hc, why, sizeof(why)), -ENODEV);
	CHECK_EQ(xhci_abandon(&hc), -EIO);
	CHECK_EQ(sim.outside, 0);
	CHECK(OPREG(XHCI_USBCMD) & XHCI_CMD_RUN); /* untouched */
}

/* The takeover a step at a time, as usb.c runs it from the tick. Not Ready for 100 ms: each
 * step looks (-EINPROGRESS) and writes nothing, not even OS Owned; once CNR clears, one
 * step claims, halts and resets it, and the next, after the reset's 1 ms, ends it (0). A
 * BIOS that keeps it: steps wait with OS Owned set; cancelled (a shutdown), -EBUSY says
 * the BIOS still owns it and nothing more is written. A reset of 200 ms under way:
 * cancelled, its end is awaited (0, HCRST clear), not cut short. */
static void takeover_steps(void)
{
	unsigned int writes;
	int err;

	fresh(&(struct xhci_sim){.cnr_for_us = 100000});
	host_time_skip_ns = 1000000; /* 1 ms a clock read */
	CHECK_EQ(xhci_takeover_begin(&hc, why, sizeof(why)), 0);
	CHECK_EQ(hc.takeover, XHCI_TAKEOVER_CNR);
	CHECK_EQ(xhci_takeover_step(&hc, why, sizeof(why)), -EINPROGRESS);
	CHECK_EQ(sim.byte_writes, 0);
	CHECK_EQ(OPREG(XHCI_USBCMD), 0u);
	CHECK(!strcmp(xhci_takeover_waiting(&hc), "waiting for Controller Not Ready to clear"));
	while (hc.takeover == XHCI_TAKEOVER_CNR && xhci_takeover_step(&hc, why, sizeof(why)) == -EINPROGRESS)
		;
	CHECK_EQ(hc.takeover, XHCI_TAKEOVER_RESET); /* claimed, halted, reset: its end awaited */
	CHECK_EQ(sim.reset_count, 1);
	err = -EINPROGRESS;
	for (int i = 0; i < 10 && err == -EINPROGRESS; i++)
		err = xhci_takeover_step(&hc, why, sizeof(why));
	CHECK_EQ(err, 0);
	CHECK_EQ(hc.takeover, XHCI_TAKEOVER_NONE);
	CHECK_EQ(xhci_setup(&hc, why, sizeof(why)), 0);

	fresh(&(struct xhci_sim){.legacy = true, .bios_owned = true});
	host_time_skip_ns = 1000000;
	CHECK_EQ(xhci_takeover_begin(&hc, why, sizeof(why)), 0);
	CHECK_EQ(xhci_takeover_step(&hc, why, sizeof(why)), -EINPROGRESS);
	CHECK_EQ(hc.takeover, XHCI_TAKEOVER_BIOS);
	CHECK(LEGSUP & XHCI_LEGSUP_OS_OWNED);
	writes = sim.byte_writes;
	CHECK_EQ(xhci_takeover_cancel(&hc, why, sizeof(why)), -EBUSY);
	CHECK(!strcmp(why, "the BIOS still owns it"));
	CHECK(LEGSUP & XHCI_LEGSUP_BIOS_OWNED);
	CHECK_EQ(sim.byte_writes, writes);
	CHECK_EQ(hc.takeover, XHCI_TAKEOVER_NONE);
	CHECK_EQ(xhci_takeover_step(&hc, why, sizeof(why)), 0); /* nothing left to step */
	CHECK(LEGSUP & XHCI_LEGSUP_BIOS_OWNED);

	fresh(&(struct xhci_sim){.reset_for_us = 200000});
	host_time_skip_ns = 1000000;
	CHECK_EQ(xhci_takeover_begin(&hc, why, sizeof(why)), 0);
	CHECK_EQ(xhci_takeover_step(&hc, why, sizeof(why)), -EINPROGRESS);
	CHECK_EQ(hc.takeover, XHCI_TAKEOVER_RESET);
	CHECK(OPREG(XHCI_USBCMD) & XHCI_CMD_HCRST);
	CHECK_EQ(xhci_takeover_cancel(&hc, why, sizeof(why)), 0);
	CHECK(!(OPREG(XHCI_USBCMD) & XHCI_CMD_HCRST));
	CHECK(OPREG(XHCI_USBSTS) & XHCI_STS_HCH);
	host_time_skip_ns = 0;
}

/* A reboot cancelling a takeover stuck mid-way (xhci_takeover_cancel). A controller left
 * running that never halts, its halt under way: awaited to the halt's 32 ms, then -EIO,
 * "controller did not halt in 32 ms", never reset. A reset that never ends (HCRST stays
 * set): awaited 1 s (not the takeover's 10 s), then -EIO, "controller reset still running",
 * never reset a second time. Either way the takeover is over (XHCI_TAKEOVER_NONE): no
 * step goes on with it. */
static void cancel_stuck(void)
{
	uint64_t t;

	fresh(&(struct xhci_sim){.running = true, .never_halts = true});
	host_time_skip_ns = 1000000; /* 1 ms a clock read */
	CHECK_EQ(xhci_takeover_begin(&hc, why, sizeof(why)), 0);
	CHECK_EQ(xhci_takeover_step(&hc, why, sizeof(why)), -EINPROGRESS);
	CHECK_EQ(hc.takeover, XHCI_TAKEOVER_HALT);
	t = time_ns();
	CHECK_EQ(xhci_takeover_cancel(&hc, why, sizeof(why)), -EIO);
	t = (time_ns() - t) / 1000000;
	CHECK(t >= 28 && t <= 40);
	CHECK(!strcmp(why, "controller did not halt in 32 ms"));
	CHECK_EQ(hc.takeover, XHCI_TAKEOVER_NONE);
	CHECK_EQ(sim.reset_count, 0);
	CHECK(!(OPREG(XHCI_USBSTS) & XHCI_STS_HCH));

	fresh(&(struct xhci_sim){.reset_stuck = true});
	host_time_skip_ns = 1000000;
	CHECK_EQ(xhci_takeover_begin(&hc, why, sizeof(why)), 0);
	CHECK_EQ(xhci_takeover_step(&hc, why, sizeof(why)), -EINPROGRESS);
	CHECK_EQ(hc.takeover, XHCI_TAKEOVER_RESET);
	t = time_ns();
	CHECK_EQ(xhci_takeover_cancel(&hc, why, sizeof(why)), -EIO);
	t = (time_ns() - t) / 1000000;
	CHECK(t >= 990 && t <= 1100);
	CHECK(!strcmp(why, "controller reset still running"));
	CHECK_EQ(hc.takeover, XHCI_TAKEOVER_NONE);
	CHECK_EQ(sim.reset_count, 1);
	CHECK(OPREG(XHCI_USBCMD) & XHCI_CMD_HCRST);
	host_time_skip_ns = 0;
}

int main(void)
{
	sim_log_start();
	RUN(handoff_bios_lets_go);
	RUN(handoff_bios_never_lets_go);
	RUN(handoff_not_bios_owned);
	RUN(cnr_never_clears);
	RUN(never_halts);
	RUN(left_running);
	RUN(setup_plain);
	RUN(scratchpads);
	RUN(context_size);
	RUN(page_size);
	RUN(stop_running);
	RUN(stop_never_halts);
	RUN(xcaps_outside_bar);
	RUN(register_offsets_outside_bar);
	RUN(abandon_failed_controller);
	RUN(reset_never_finishes);
	RUN(bar_too_small);
	RUN(registers_all_ones);
	RUN(capabilities_nonsense);
	RUN(too_many_scratchpads);
	RUN(never_starts);
	RUN(setup_out_of_memory);
	RUN(takeover_steps);
	RUN(cancel_stuck);
	return unit_summary();
}
