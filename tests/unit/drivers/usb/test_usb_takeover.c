// SPDX-License-Identifier: MIT
/*
 * usb.c's takeovers that wait, on the machine of test_usb_probe (usb_probe_harness.h: the
 * real usb.c probed through usb_init, each BAR 0 a simulated xHCI). usb_init must not wait
 * for a controller that is slow to become ready (Controller Not Ready) or whose reset takes
 * long (its BIOS handoffs alone it waits for, all at once): it returns within milliseconds
 * of simulated time, a healthy controller beside it comes up at once and its keyboard types
 * long before the slow one is ready, and the slow one comes up from the tick with the same
 * lines as one taken at once (or is skipped with today's line). `usb` says what a pending
 * takeover waits for; usb_shutdown stops a pending controller without hanging: a reset under
 * way is finished and the controller halted, one not ready or still the BIOS's is left
 * untouched, and bus mastering ends for all. A self-test boot waits for the takeovers
 * before it counts the devices present. The harness's timer_sleep_ms lets simulated
 * milliseconds pass, each with its tick (m.slept_ms: how many).
 *
 * pci_init runs once per process, so the program takes its case as its argument (CTest
 * runs each): none, Controller Not Ready for 3 s beside a healthy controller; "bios", a BIOS
 * that never lets go and one that does after 300 ms, waited for in usb_init at once (the
 * one wait usb_init keeps: the 8042 is probed next); "shutdown"; "shutdown-stuck", a halt
 * and a reset that never end, met by usb_shutdown; "alone", the only controller never
 * ready; "selftest"; "off", usb=off leaving every controller untouched; "off-typo", a value
 * usb= does not take, said and ignored.
 */
#include <lios/cmdline.h>
#include "usb_probe_harness.h"

#define ROOT_PORT 5 /* a USB 2 port of the simulator */
#define LEGSUP_REG(c) ((c)->xs.reg[SIM_XCAP / 4])
#define LEGCTL_REG(c) ((c)->xs.reg[(SIM_XCAP + XHCI_LEGCTLSTS) / 4])
#define AT_ONCE_US 50000 /* what usb_init may take here: its looks, never a wait */

/* Milliseconds of ticks (1 at a time) until c is listed, limit at most; m.slept_ms after. */
static uint64_t tick_until_listed(const struct ctl *c, unsigned int limit)
{
	for (unsigned int i = 0; i < limit && !listed(c); i++)
		timer_sleep_ms(1);
	return m.slept_ms;
}

/* Milliseconds of ticks until line was logged, limit at most; true when it was. */
static bool tick_until_logged(const char *line, unsigned int limit)
{
	for (unsigned int i = 0; i < limit && !sim_logged(line); i++)
		timer_sleep_ms(1);
	return sim_logged(line);
}

/* ------------------------------------------------------------------ the cases */
/* 00:01.0 stays Not Ready for 3 s (an add-in card loading its firmware), 00:02.0 beside it
 * is healthy with a keyboard on port 5. usb_init returns at once (not after 3 s), 00:02.0
 * started and numbered 1, 00:01.0 pending with its line. The keyboard types within 200 ms
 * of ticks, long before 00:01.0 is ready. When its CNR clears (3 s after the takeover
 * began) 00:01.0 is claimed, halted, reset and comes up from the tick with the same line as
 * one taken at once, numbered 2: a keyboard plugged into it then is "2-5". Nothing is
 * skipped, and Not Ready, the controller was never written (no reset until it cleared). */
static void cnr_clears_later(void)
{
	struct ctl *slow = add_xhci(1, 0x1b36, 0x000d, &(struct xhci_sim){ .cnr_for_us = 3000000 });
	struct ctl *good = add_xhci(2, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });
	uint64_t up;

	sim_connect(&good->xs, ROOT_PORT, USB_SPEED_HIGH);
	CHECK_EQ(scan(), 1);
	CHECK(scan_us < AT_ONCE_US);
	CHECK(listed(good) && !listed(slow));
	CHECK(sim_logged("usb: xhci 00:02.0 1b36:000d xHCI 1.00, 8 ports, 8 slots"));
	CHECK(sim_logged("usb: xhci 00:01.0: waiting for Controller Not Ready to clear: taking it "
			 "over from the tick\n"));
	CHECK(m.tick != NULL);
	if (!m.tick)
		return;
	CHECK(tick_until_logged("kbd: usb 1-5 0627:0001 ready", 3000));
	CHECK(m.slept_ms < 200);
	CHECK(!listed(slow));
	CHECK_EQ(slow->xs.reset_count, 0u);
	up = tick_until_listed(slow, 4000);
	CHECK(listed(slow));
	CHECK(up >= 2900 && up <= 3100);
	CHECK(sim_logged(
		"usb: xhci 00:01.0 1b36:000d xHCI 1.00, 8 ports, 8 slots, 32-byte contexts, "
		"0 scratchpads, polled\n"));
	CHECK_EQ(slow->xs.reset_count, 1u);
	CHECK(command(slow) & PCI_COMMAND_MASTER);
	sim_connect(&slow->xs, ROOT_PORT, USB_SPEED_FULL);
	CHECK(tick_until_logged("kbd: usb 2-5 0627:0001 ready", 2000));
	CHECK(!log_captured("usb:"));
	CHECK_EQ(usb_kbd_count(), 2u);
}

/* Two controllers with a USB Legacy Support capability, both owned by their BIOS. 00:01.0's
 * BIOS never lets go, 00:02.0's after 300 ms. usb_init asks both (OS Owned, one byte write
 * each) and waits for both handoffs at once, not one after the other (the 8042 is probed
 * next, and a BIOS's emulated PS/2 keyboard must be gone by then): 00:02.0's BIOS hands it
 * over after 300 ms ("BIOS handed the controller over", no warning), its SMIs turned off,
 * and it comes up within usb_init, numbered 1; at 1 s 00:01.0's BIOS is overruled as before
 * ("BIOS kept the controller for 1 s, taking it", a warning), BIOS Owned cleared by the
 * driver, SMIs off, and usb_init returns (about 1 s in all, where one after the other took
 * 1.3 s), leaving its halt and reset to the tick: it comes up a few ticks later, numbered
 * 2. */
static void bios_handoffs(void)
{
	struct ctl *keeps = add_xhci(1, 0x1b36, 0x000d,
				     &(struct xhci_sim){ .legacy = true, .bios_owned = true });
	struct ctl *lets_go =
		add_xhci(2, 0x1b36, 0x000d,
			 &(struct xhci_sim){
				 .legacy = true, .bios_owned = true, .bios_lets_go_us = 300000 });
	uint64_t up;

	CHECK_EQ(scan(), 1);
	CHECK(scan_us >= 990000 && scan_us < 1100000);
	CHECK(!sim_logged("usb: none"));
	CHECK(listed(lets_go) && !listed(keeps));
	CHECK(sim_logged("usb: xhci 00:02.0: BIOS handed the controller over\n"));
	CHECK(sim_logged("usb: xhci 00:02.0 1b36:000d xHCI 1.00"));
	CHECK(!warned("00:02.0"));
	CHECK(warned("usb: xhci 00:01.0: BIOS kept the controller for 1 s, taking it\n"));
	for (unsigned int i = 0; i < 2; i++) {
		const struct ctl *c = i ? lets_go : keeps;

		CHECK_EQ(c->xs.byte_writes, 1u);
		CHECK(LEGSUP_REG(c) & XHCI_LEGSUP_OS_OWNED);
		CHECK(!(LEGSUP_REG(c) & XHCI_LEGSUP_BIOS_OWNED));
		CHECK_EQ(LEGCTL_REG(c) & XHCI_LEGCTLSTS_SMI_ENABLES, 0u);
	}
	CHECK(usb_controllers && usb_controllers->index == 0);
	CHECK(m.tick != NULL);
	if (!m.tick)
		return;
	up = tick_until_listed(keeps, 2000);
	CHECK(up <= 50);
	CHECK(sim_logged("usb: xhci 00:01.0 1b36:000d xHCI 1.00"));
	CHECK(usb_controllers && usb_controllers->index == 1);
	CHECK_EQ(keeps->xs.reset_count, 1u);
	CHECK_EQ(lets_go->xs.reset_count, 1u);
	CHECK(!log_captured("usb:"));
	sim_connect(&keeps->xs, ROOT_PORT, USB_SPEED_HIGH);
	CHECK(tick_until_logged("kbd: usb 2-5 0627:0001 ready", 2000));
}

/* usb_shutdown("reboot") while three takeovers wait: 00:01.0, left running by firmware,
 * still Not Ready; 00:02.0 still its BIOS's (Not Ready for 20 ms, so usb_init, which waits
 * for the handoffs it can ask for, left it to the tick); 00:03.0 in a reset that takes
 * 200 ms. It does
 * not hang (well under the reset's 1 s bound). 00:01.0 and 00:02.0 are not touched at all,
 * no register read or written (the first is not ready for a write, the second not ours),
 * and said so at KERN_WARN; 00:03.0's reset is awaited, not cut short, and it is halted
 * with the usual line. Bus mastering ends on all three. Afterwards the tick steps none of
 * them (no access for 300 ms, though 00:01.0 becomes ready and 00:02.0's BIOS lets go), none
 * is listed, skipped or started, and `usb` finds no controller. */
static void shutdown_pending(void)
{
	struct ctl *not_ready = add_xhci(
		1, 0x1b36, 0x000d, &(struct xhci_sim){ .running = true, .cnr_for_us = 400000 });
	struct ctl *bios = add_xhci(2, 0x1b36, 0x000d,
				    &(struct xhci_sim){ .legacy = true,
							.bios_owned = true,
							.bios_lets_go_us = 400000,
							.cnr_for_us = 20000 });
	struct ctl *resetting =
		add_xhci(3, 0x1b36, 0x000d, &(struct xhci_sim){ .reset_for_us = 200000 });
	static uint32_t before[2][SIM_SIZE / 4];
	uint64_t t;

	CHECK_EQ(scan(), 0);
	CHECK(m.tick != NULL);
	if (!m.tick)
		return;
	timer_sleep_ms(50);
	CHECK(!listed(not_ready) && !listed(bios) && !listed(resetting));
	CHECK_EQ(resetting->xs.reset_count, 1u);
	CHECK(reg(resetting, SIM_OP + XHCI_USBCMD) & XHCI_CMD_HCRST);
	sim_log_clear();
	usb_print();
	CHECK(sim_logged("xhci 00:01.0 1b36:000d: taking it over for "));
	CHECK(sim_logged(" ms: waiting for Controller Not Ready to clear\n"));
	CHECK(sim_logged(" ms: waiting for the BIOS to hand it over\n"));
	CHECK(sim_logged(" ms: waiting for its reset to finish\n"));
	memcpy(before[0], not_ready->xs.reg, sizeof(before[0]));
	memcpy(before[1], bios->xs.reg, sizeof(before[1]));
	not_ready->accesses = bios->accesses = 0;
	sim_log_clear();
	warn_len = 0;
	host_time_skip_ns = 1000000; /* 1 ms a clock read */
	t = time_ns();
	usb_shutdown("reboot");
	t = (time_ns() - t) / 1000000;
	host_time_skip_ns = 0;
	CHECK(t < 1000);
	CHECK(warned("usb: xhci 00:01.0: Controller Not Ready still set before reboot: left alone; "
		     "bus mastering off\n"));
	CHECK(warned("usb: xhci 00:02.0: the BIOS still owns it before reboot: left alone; bus "
		     "mastering off\n"));
	CHECK_EQ(not_ready->accesses, 0u);
	CHECK_EQ(bios->accesses, 0u);
	CHECK(!memcmp(before[0], not_ready->xs.reg, sizeof(before[0])));
	CHECK(!memcmp(before[1], bios->xs.reg, sizeof(before[1])));
	CHECK(sim_logged("usb: xhci 00:03.0: halted for reboot\n"));
	CHECK(!warned("00:03.0"));
	CHECK(halted(resetting));
	CHECK(!(reg(resetting, SIM_OP + XHCI_USBCMD) & XHCI_CMD_HCRST));
	CHECK_EQ(resetting->xs.reset_count, 1u);
	for (unsigned int i = 0; i < m.nctl; i++) {
		CHECK(!(command(&m.ctl[i]) & PCI_COMMAND_MASTER));
		m.ctl[i].accesses = 0;
	}
	sim_log_clear();
	timer_sleep_ms(500);
	for (unsigned int i = 0; i < m.nctl; i++) {
		CHECK_EQ(m.ctl[i].accesses, 0u);
		CHECK(!listed(&m.ctl[i]));
	}
	CHECK(!sim_logged("usb:"));
	usb_print();
	CHECK(sim_logged("usb: no xHCI controller\n"));
}

/* usb_shutdown("reboot") while two takeovers are stuck mid-way: 00:01.0, left running by
 * firmware, never halts (its halt under way when usb_init returned), and 00:02.0's reset
 * never ends (HCRST stays set). Neither wait is left unbounded nor cut short: 00:01.0's halt
 * is awaited to its 32 ms and 00:02.0's reset for 1 s (never the reset's own 10 s: a reboot
 * does not wait that long), then each is refused at KERN_WARN with its reason, "controller
 * did not halt in 32 ms" and "controller reset still running", and no "halted for reboot"
 * line. Nothing more is done to either (no register written after the wait: the stop of
 * a running controller is not tried again): 00:01.0 is never reset (not halted: a reset
 * now could corrupt its DMA), 00:02.0 is reset no second time; bus mastering ends on both,
 * neither is listed, and the tick steps them no more. */
static void shutdown_stuck(void)
{
	struct ctl *no_halt = add_xhci(1, 0x1b36, 0x000d,
				       &(struct xhci_sim){ .running = true, .never_halts = true });
	struct ctl *no_reset =
		add_xhci(2, 0x1b36, 0x000d, &(struct xhci_sim){ .reset_stuck = true });
	uint64_t t;

	CHECK_EQ(scan(), 0);
	sim_log_clear();
	usb_print();
	CHECK(sim_logged(" ms: waiting for it to halt\n"));
	CHECK(sim_logged(" ms: waiting for its reset to finish\n"));
	CHECK_EQ(no_reset->xs.reset_count, 1u);
	sim_log_clear();
	warn_len = 0;
	no_halt->writes = no_reset->writes = 0;
	host_time_skip_ns = 1000000; /* 1 ms a clock read */
	t = time_ns();
	usb_shutdown("reboot");
	t = (time_ns() - t) / 1000000;
	host_time_skip_ns = 0;
	CHECK(t >= 1000 && t < 1200);
	CHECK_EQ(no_halt->writes, 0u); /* not stopped again: the wait was the stop */
	CHECK_EQ(no_reset->writes, 0u);
	CHECK(warned("usb: xhci 00:01.0: controller did not halt in 32 ms before reboot; bus "
		     "mastering off\n"));
	CHECK(warned("usb: xhci 00:02.0: controller reset still running before reboot; bus "
		     "mastering off\n"));
	CHECK(!sim_logged("halted for reboot"));
	CHECK(!halted(no_halt));
	CHECK_EQ(no_halt->xs.reset_count, 0u);
	CHECK(reg(no_reset, SIM_OP + XHCI_USBCMD) & XHCI_CMD_HCRST);
	CHECK_EQ(no_reset->xs.reset_count, 1u);
	for (unsigned int i = 0; i < m.nctl; i++) {
		CHECK(!(command(&m.ctl[i]) & PCI_COMMAND_MASTER));
		CHECK(!listed(&m.ctl[i]));
		m.ctl[i].accesses = 0;
	}
	timer_sleep_ms(100);
	for (unsigned int i = 0; i < m.nctl; i++)
		CHECK_EQ(m.ctl[i].accesses, 0u);
}

/* The only xHCI (00:01.0) never becomes ready. usb_init starts none, but hooks the tick and
 * says nothing more yet: "usb: none" would be premature. `usb` lists it meanwhile. 5 s after
 * its takeover began it is skipped with today's line, and then, no controller left, the
 * boot's "usb: none (no xHCI controller)" line comes; `usb` finds none. */
static void alone_never_ready(void)
{
	struct ctl *c = add_xhci(1, 0x1b36, 0x000d, &(struct xhci_sim){ .cnr_stuck = true });

	CHECK_EQ(scan(), 0);
	CHECK(scan_us < AT_ONCE_US);
	CHECK(!sim_logged("usb: none"));
	CHECK(m.tick != NULL);
	if (!m.tick)
		return;
	timer_sleep_ms(4900);
	CHECK(!log_captured("skipped"));
	sim_log_clear();
	usb_print();
	CHECK(sim_logged("xhci 00:01.0 1b36:000d: taking it over for 49"));
	CHECK(!sim_logged("no xHCI controller"));
	CHECK(tick_until_logged("usb: none (no xHCI controller)\n", 200));
	CHECK(log_captured("usb: xhci 00:01.0: controller not ready after 5 s: skipped\n"));
	CHECK(!listed(c));
	CHECK_EQ(c->xs.reset_count, 0u);
	sim_log_clear();
	usb_print();
	CHECK(sim_logged("usb: no xHCI controller\n"));
}

/* A self-test boot with a keyboard on a controller Not Ready for 3.5 s, longer than the
 * settle wait's 3 s bound: usb_init waits for the takeover first (self-tests must not race
 * a controller coming up, which allocates), then for the keyboard, with the settle wait's
 * whole bound, and counts it present, without the "still enumerating" warning. Its waits
 * took the 3.5 s and the keyboard's steps. */
static void selftest_waits(void)
{
	struct ctl *c = add_xhci(1, 0x1b36, 0x000d, &(struct xhci_sim){ .cnr_for_us = 3500000 });

	sim_connect(&c->xs, ROOT_PORT, USB_SPEED_HIGH);
	cmdline_set("selftest");
	CHECK_EQ(scan(), 1); /* started by the time usb_init returns: it waited */
	CHECK(sim_logged("usb: xhci 00:01.0: waiting for Controller Not Ready to clear: taking it "
			 "over from the tick\n"));
	CHECK(listed(c));
	CHECK(usb_boot_waited);
	CHECK_EQ(usb_boot_devices, 1u);
	CHECK_EQ(usb_kbd_count(), 1u);
	CHECK(!warned("still enumerating"));
	CHECK(m.slept_ms >= 3500 && m.slept_ms < 4500);
}

/* usb=off: two controllers, one still owned by its BIOS with a keyboard behind the other,
 * are counted and left exactly as firmware left them: no register read or written, the
 * configuration space unchanged (no bus mastering, no decoding turned on), no handoff
 * (BIOS Owned stays), no tick hook; boot says so in one line, and so does `usb`. */
static void turned_off(void)
{
	struct ctl *bios = add_xhci(
		1, 0x1022, 0x149c,
		&(struct xhci_sim){ .legacy = true, .bios_owned = true, .bios_lets_go = true });
	struct ctl *good = add_xhci(2, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });

	sim_connect(&good->xs, ROOT_PORT, USB_SPEED_HIGH);
	cmdline_set("quiet usb=off");
	CHECK_EQ(scan(), 0);
	CHECK(sim_logged("usb: off (usb=off): 2 xHCI controllers left as firmware left them\n"));
	for (unsigned int i = 0; i < m.nctl; i++) {
		CHECK_EQ(m.ctl[i].accesses, 0u);
		CHECK_EQ(m.ctl[i].maps, 0u);
		CHECK(!memcmp(m.ctl[i].fn->cfg, m.ctl[i].cfg_before, PCI_CFG_LEGACY_SIZE));
	}
	CHECK(LEGSUP_REG(bios) & XHCI_LEGSUP_BIOS_OWNED);
	CHECK(!(LEGSUP_REG(bios) & XHCI_LEGSUP_OS_OWNED));
	CHECK(!listed(bios) && !listed(good));
	timer_sleep_ms(100);
	CHECK_EQ(usb_kbd_count(), 0u);
	CHECK_EQ(good->accesses, 0u);
	sim_log_clear();
	usb_print();
	CHECK(sim_logged("usb: off (usb=off): 2 xHCI controllers left to the firmware\n"));
}

/* usb=no (a value usb= does not take): said, and USB comes up as without it. */
static void off_typo(void)
{
	struct ctl *good = add_xhci(2, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });

	cmdline_set("usb=no");
	CHECK_EQ(scan(), 1);
	CHECK(warned("usb: usb=no not understood (off): USB on\n"));
	CHECK(listed(good));
}

int main(int argc, char **argv)
{
	logs_start();
	if (argc < 2)
		RUN(cnr_clears_later);
	else if (!strcmp(argv[1], "bios"))
		RUN(bios_handoffs);
	else if (!strcmp(argv[1], "shutdown"))
		RUN(shutdown_pending);
	else if (!strcmp(argv[1], "shutdown-stuck"))
		RUN(shutdown_stuck);
	else if (!strcmp(argv[1], "alone"))
		RUN(alone_never_ready);
	else if (!strcmp(argv[1], "selftest"))
		RUN(selftest_waits);
	else if (!strcmp(argv[1], "off"))
		RUN(turned_off);
	else if (!strcmp(argv[1], "off-typo"))
		RUN(off_typo);
	else
		fprintf(stderr, "test_usb_takeover: no case %s\n", argv[1]);
	sim_free(&m.pci);
	return unit_summary();
}
