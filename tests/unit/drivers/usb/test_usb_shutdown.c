// SPDX-License-Identifier: MIT
/*
 * usb.c's usb_shutdown, which runs before a reboot or power-off, on the machine of
 * test_usb_probe (usb_probe_harness.h: the real usb.c probed through usb_init, pci.c and
 * pci_cap.c over simulated ports, each BAR 0 a simulated xHCI whose register accesses are
 * counted). Every controller in the list is marked dead and its recovery cancelled before
 * it is touched (the tick and the interrupt handler leave it alone from then on), stopped
 * ("usb: <name>: halted for <why>"; one that does not halt is warned about at KERN_WARN,
 * "<err> before <why>; bus mastering off", and the next controller is stopped all the
 * same), its bus mastering cleared whether it halted or not, its Intel shared ports given
 * back as firmware left them, and a Lynx Point-LP or Wildcat Point-LP xHCI reset after the
 * halt and put in D3hot ("did not enter D3hot" when the power state does not take).
 *
 * pci_init runs once per process, so the program takes its case as its argument (CTest
 * runs each): none, two healthy controllers; "stuck", one that never halts; "intel" and
 * "intel-d3", a Lynx Point-LP xHCI with its ports switched, entering D3hot or not;
 * "recovering", a controller in the middle of a reset after an error; "held-key", a
 * keyboard holding a key when its controller stops.
 */
#include "../../../../src/drivers/pci/pci_internal.h"
#include "usb_probe_harness.h"

#define PM_CAP 0x70 /* the Intel xHCI's PCI PM capability */
#define PMCSR (PM_CAP + PCI_PM_CTRL)
#define IMAN0 (SIM_RT + XHCI_IR(0) + XHCI_IMAN)
#define ROOT_PORT 5 /* a USB 2 port of the simulator */
#define CMD_STOPPED (PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE) /* probe's, less master */
#define LPT_LP_XHCI 0x9c31 /* Lynx Point-LP (xhci_quirks.c's quirk list) */
#define LPT_LP_EHCI 0x9c26
#define USB3_MASK 0x0fu /* firmware's masks: what may move to the xHCI */
#define USB2_MASK 0x3fffu
#define USB2_FIRMWARE 0x0001u /* firmware left USB 2 port 0 on the xHCI */

/* ------------------------------------------------------------------ what shutdown shows */
/* What each controller (by hc->index) was when a line naming it was printed during
 * usb_shutdown: dead at every one, its recovery over at every one. */
static struct {
	bool watching;
	unsigned int lines[MAX_CTL];
	bool dead[MAX_CTL];
	bool recovering[MAX_CTL];
} at_line;

static void line_sink(const char *s, size_t len)
{
	char text[256], name[48];

	if (!at_line.watching)
		return;
	len = len < sizeof(text) - 1 ? len : sizeof(text) - 1;
	memcpy(text, s, len);
	text[len] = '\0';
	for (struct xhci *hc = usb_controllers; hc; hc = hc->next) {
		snprintf(name, sizeof(name), "usb: %s: ", hc->name);
		if (hc->index < 0 || hc->index >= MAX_CTL || !strstr(text, name))
			continue;
		at_line.lines[hc->index]++;
		at_line.dead[hc->index] &= hc->dead;
		at_line.recovering[hc->index] |= hc->recovery != XHCI_RECOVERY_NONE;
	}
}

static struct xhci *hc_of(const struct ctl *c)
{
	for (struct xhci *hc = usb_controllers; hc; hc = hc->next)
		if (hc->mmio == &c->mmio)
			return hc;
	return NULL;
}

/* usb_shutdown(why) as reboot or power-off calls it, 1 ms a clock read (its 32 ms halt
 * wait and 10 ms D3hot delay pass at once); the log cleared first. The warnings printed
 * before it are dropped, so warn_buf holds its own. */
static void shut_down(const char *why)
{
	for (unsigned int i = 0; i < MAX_CTL; i++) {
		at_line.lines[i] = 0;
		at_line.dead[i] = true;
		at_line.recovering[i] = false;
	}
	sim_log_clear();
	warn_len = 0;
	memset(warn_buf, 0, sizeof(warn_buf));
	at_line.watching = true;
	host_time_skip_ns = 1000000;
	usb_shutdown(why);
	host_time_skip_ns = 0;
	at_line.watching = false;
}

/* What every controller shows after usb_shutdown, halted or not: marked dead with its
 * recovery over before its first line, bus mastering off and memory decoding left on
 * (exactly probe's command register less master), interrupter 0 off. */
static void check_stopped(const struct ctl *c)
{
	struct xhci *hc = hc_of(c);

	CHECK(hc != NULL);
	if (!hc)
		return;
	CHECK(hc->dead);
	CHECK_EQ(hc->recovery, XHCI_RECOVERY_NONE);
	CHECK(at_line.lines[hc->index] > 0);
	CHECK(at_line.dead[hc->index]);
	CHECK(!at_line.recovering[hc->index]);
	CHECK_EQ(command(c), CMD_STOPPED);
	CHECK(!(reg(c, IMAN0) & XHCI_IMAN_IE));
}

/* Ticks after the shutdown (300 ms: port scans, a health check, any recovery's steps) touch
 * no register of any controller, read or write, though a device was plugged into each
 * after it stopped (a live port scan would see it and reset the port). */
static void ticks_touch_nothing(void)
{
	static uint32_t before[MAX_CTL][SIM_SIZE / 4];

	CHECK(m.tick != NULL);
	if (!m.tick)
		return;
	for (unsigned int i = 0; i < m.nctl; i++) {
		sim_connect(&m.ctl[i].xs, ROOT_PORT, USB_SPEED_HIGH);
		memcpy(before[i], m.ctl[i].xs.reg, sizeof(before[i]));
		m.ctl[i].accesses = 0;
	}
	host_time_skip_ns = 200000;
	for (int i = 0; i < 300; i++)
		m.tick();
	host_time_skip_ns = 0;
	for (unsigned int i = 0; i < m.nctl; i++) {
		CHECK_EQ(m.ctl[i].accesses, 0u);
		CHECK(!memcmp(before[i], m.ctl[i].xs.reg, sizeof(before[i])));
	}
}

/* ------------------------------------------------------------------ the cases */
/* Two QEMU xHCIs (00:01.0, 00:02.0), both up. usb_shutdown("reboot") halts each with its
 * line, no warning; neither is reset (only the takeover's reset counted): a plain
 * shutdown. Run/Stop and interrupts off, bus mastering cleared, both dead before their
 * lines, and the tick leaves them alone afterwards. */
static void two_halted(void)
{
	struct ctl *a = add_xhci(1, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });
	struct ctl *b = add_xhci(2, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });

	CHECK_EQ(scan(), 2);
	CHECK(command(a) & PCI_COMMAND_MASTER);
	CHECK(command(b) & PCI_COMMAND_MASTER);
	shut_down("reboot");
	CHECK(sim_logged("usb: xhci 00:01.0: halted for reboot\n"));
	CHECK(sim_logged("usb: xhci 00:02.0: halted for reboot\n"));
	CHECK_EQ(warn_len, 0u);
	for (unsigned int i = 0; i < 2; i++) {
		const struct ctl *c = &m.ctl[i];

		CHECK(halted(c));
		CHECK(!(reg(c, SIM_OP + XHCI_USBCMD) & XHCI_CMD_INTE));
		CHECK_EQ(c->xs.reset_count, 1u);
		CHECK_EQ(sim_r32(c->fn, PMCSR), 0u); /* no PM capability: never written */
		check_stopped(c);
	}
	ticks_touch_nothing();
}

/* The same two, 00:02.0 (the first in the list: probed last) no longer halting once up.
 * Its stop times out: the warning names the error and why, at KERN_WARN (not KERN_ERR),
 * no "halted" line, and its bus mastering is cleared all the same. 00:01.0 after it is
 * still halted with its line and no warning. Neither is touched by the tick afterwards. */
static void one_stuck(void)
{
	struct ctl *a = add_xhci(1, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });
	struct ctl *b = add_xhci(2, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });

	CHECK_EQ(scan(), 2);
	CHECK(usb_controllers && hc_of(b) == usb_controllers);
	b->xs.never_halts = true;
	shut_down("power-off");
	CHECK(warned("usb: xhci 00:02.0: controller did not halt in 32 ms before power-off; "
		     "bus mastering off\n"));
	CHECK(!log_captured("00:02.0")); /* a warning, not an error */
	CHECK(!sim_logged("usb: xhci 00:02.0: halted"));
	CHECK(!halted(b));
	check_stopped(b);
	CHECK(sim_logged("usb: xhci 00:01.0: halted for power-off\n"));
	CHECK(!warned("00:01.0"));
	CHECK(halted(a));
	CHECK_EQ(a->xs.reset_count, 1u);
	check_stopped(a);
	ticks_touch_nothing();
}

/* A Lynx Point-LP xHCI (8086:9c31) at 00:14.0 beside its EHCI at 00:1d.0, with a PM
 * capability (pm_stuck: a power state that does not take). Firmware left the SuperSpeed
 * ports off and USB 2 port 0 alone on the xHCI; probe moved every port the masks allow. */
static struct ctl *lynx_point_lp(bool pm_stuck)
{
	struct ctl *c = add_xhci(0x14, 0x8086, LPT_LP_XHCI, &(struct xhci_sim){ 0 });
	struct sim_fn *ehci = sim_add(&m.pci, 0, 0x1d, 0, 0x8086, LPT_LP_EHCI, PCI_CLASS_SERIAL_BUS,
				      PCI_SUBCLASS_USB, 0);

	sim_w8(ehci, PCI_PROG_IF, PCI_PROG_IF_EHCI);
	sim_cap(c->fn, PM_CAP, PCI_CAP_ID_PM);
	c->fn->pm_cap = PM_CAP;
	c->fn->pm_stuck = pm_stuck;
	sim_w32(c->fn, XHCI_INTEL_USB3PRM, USB3_MASK);
	sim_w32(c->fn, XHCI_INTEL_XUSB2PRM, USB2_MASK);
	sim_w32(c->fn, XHCI_INTEL_XUSB2PR, USB2_FIRMWARE);
	CHECK_EQ(scan(), 1);
	CHECK(sim_logged("usb: xhci 00:14.0: Intel shared ports to xHCI: USB 3 0x0 -> 0xf, "
			 "USB 2 0x1 -> 0x3fff\n"));
	CHECK(usb_controllers && usb_controllers->routed == XHCI_ROUTE_SWITCHED);
	CHECK_EQ(sim_r32(c->fn, XHCI_INTEL_USB3_PSSEN), USB3_MASK);
	CHECK_EQ(sim_r32(c->fn, XHCI_INTEL_XUSB2PR), USB2_MASK);
	CHECK_EQ(sim_r32(c->fn, PMCSR) & PCI_PM_CTRL_STATE_MASK, (uint32_t)PCI_PM_STATE_D0);
	return c;
}

/* usb_shutdown("power-off") on it: halted with its line, then reset (the quirk: a second
 * reset after the takeover's), the routing registers back to what firmware left and the
 * masks never written, bus mastering off, and then D3hot, or (pm_stuck) still D0 and
 * "did not enter D3hot" at KERN_WARN. */
static void lynx_point_lp_shutdown(bool pm_stuck)
{
	struct ctl *c = lynx_point_lp(pm_stuck);
	uint32_t state;

	CHECK_EQ(c->xs.reset_count, 1u);
	shut_down("power-off");
	CHECK(sim_logged("usb: xhci 00:14.0: halted for power-off\n"));
	CHECK_EQ(c->xs.reset_count, 2u);
	CHECK(halted(c));
	CHECK_EQ(sim_r32(c->fn, XHCI_INTEL_USB3_PSSEN), 0u);
	CHECK_EQ(sim_r32(c->fn, XHCI_INTEL_XUSB2PR), USB2_FIRMWARE);
	CHECK_EQ(sim_r32(c->fn, XHCI_INTEL_USB3PRM), USB3_MASK);
	CHECK_EQ(sim_r32(c->fn, XHCI_INTEL_XUSB2PRM), USB2_MASK);
	check_stopped(c);
	state = sim_r32(c->fn, PMCSR) & PCI_PM_CTRL_STATE_MASK;
	if (pm_stuck) {
		CHECK_EQ(state, (uint32_t)PCI_PM_STATE_D0);
		CHECK(warned("usb: xhci 00:14.0: did not enter D3hot\n"));
		CHECK(!log_captured("D3hot")); /* a warning, not an error */
	} else {
		CHECK_EQ(state, (uint32_t)PCI_PM_STATE_D3HOT);
		CHECK_EQ(warn_len, 0u);
	}
	ticks_touch_nothing();
}
static void intel_d3hot(void) { lynx_point_lp_shutdown(false); }
static void intel_d3hot_refused(void) { lynx_point_lp_shutdown(true); }

/* A controller error (HCE) on 00:01.0: the health check starts its recovery, halted and
 * draining its devices, whose next tick would reset the controller and start it again (and
 * clear hc->dead). usb_shutdown("reboot") cancels it before touching the controller, halts
 * it with its line (no reset of its own), and the listing says STOPPED, not RESETTING; the
 * tick then runs no recovery step: no reset, no register read. */
static void recovery_cancelled(void)
{
	struct ctl *c = add_xhci(1, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });
	struct xhci *hc;
	int i;

	CHECK_EQ(scan(), 1);
	hc = hc_of(c);
	if (!hc || !m.tick)
		return;
	c->xs.reg[(SIM_OP + XHCI_USBSTS) / 4] |= XHCI_STS_HCE;
	host_time_skip_ns = 200000;
	for (i = 0; i < 200 && hc->recovery == XHCI_RECOVERY_NONE; i++)
		m.tick();
	host_time_skip_ns = 0;
	CHECK_EQ(hc->recovery, XHCI_RECOVERY_DRAIN);
	CHECK_EQ(c->xs.reset_count, 1u); /* the takeover's */
	shut_down("reboot");
	CHECK(sim_logged("usb: xhci 00:01.0: halted for reboot\n"));
	CHECK_EQ(warn_len, 0u);
	CHECK(halted(c));
	check_stopped(c);
	sim_log_clear();
	usb_print();
	CHECK(sim_logged(
		"xhci 00:01.0 1b36:000d: 8 ports, 8 slots, 32-byte contexts, 0 scratchpads, "
		"STOPPED\n"));
	ticks_touch_nothing();
	CHECK_EQ(c->xs.reset_count, 1u);
	CHECK(hc->dead);
	CHECK(!warned("reset after the error"));
}

/* A keyboard on ROOT_PORT of 00:01.0 is ready and holds 'a' when usb_shutdown("power-off")
 * runs (S5 then fails and the machine goes on without USB, as after a power-button press):
 * no report can come any more, so 'a' is released at once and never repeats in the second
 * that follows, and the keyboard's line says its controller stopped. usb_kbd_count, the
 * ready keyboards `kbd` names on its first line ("kbd: usb, layout ..." or "kbd: none"),
 * counts it no more: nothing can type on it (it still did, so `kbd` said "usb"). */
static void held_key_released(void)
{
	static const uint8_t press_a[8] = { 0, 0, 0x04 };
	struct ctl *c = add_xhci(1, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });
	struct usb_dev *d;
	unsigned int i;

	CHECK_EQ(scan(), 1);
	CHECK(m.tick != NULL);
	if (!m.tick)
		return;
	sim_connect(&c->xs, ROOT_PORT, USB_SPEED_HIGH);
	host_time_skip_ns = 200000;
	for (i = 0; i < 5000 && !sim_logged("kbd: usb 1-5 0627:0001 ready"); i++)
		m.tick();
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready"));
	d = usb_dev_list();
	if (!d)
		return;
	i = d->intr_deq;
	memcpy(xhci_intr_data(d, i), press_a, sizeof(press_a));
	sim_post_transfer(&c->xs, d->slot, d->intr_dci, d->intr.phys + i * 16, XHCI_CC_SUCCESS, 0);
	m.tick();
	host_time_skip_ns = 0;
	CHECK_EQ(key_presses, 1u);
	CHECK_EQ(key_releases, 0u);
	CHECK_EQ(usb_kbd_count(), 1u);
	shut_down("power-off");
	check_stopped(c);
	CHECK_EQ(key_releases, 1u);
	CHECK_EQ(usb_kbd_count(), 0u);
	/* a second of ticks, 1 ms each: past the 500 ms repeat delay */
	for (i = 0; i < 1000; i++) {
		host_time_skip_ns = 1000000;
		(void)time_ns();
		host_time_skip_ns = 1000;
		m.tick();
	}
	host_time_skip_ns = 0;
	CHECK_EQ(key_presses, 1u);
	sim_log_clear();
	CHECK_EQ(usb_kbd_print(), 1u);
	CHECK(sim_logged(", controller stopped\n"));
}

int main(int argc, char **argv)
{
	logs_start();
	printk_add_sink(line_sink, false);
	printk_set_sink_level(line_sink, 7); /* KERN_DEBUG: every line */
	if (argc < 2)
		RUN(two_halted);
	else if (!strcmp(argv[1], "stuck"))
		RUN(one_stuck);
	else if (!strcmp(argv[1], "intel"))
		RUN(intel_d3hot);
	else if (!strcmp(argv[1], "intel-d3"))
		RUN(intel_d3hot_refused);
	else if (!strcmp(argv[1], "recovering"))
		RUN(recovery_cancelled);
	else if (!strcmp(argv[1], "held-key"))
		RUN(held_key_released);
	else
		fprintf(stderr, "test_usb_shutdown: no case %s\n", argv[1]);
	sim_free(&m.pci);
	return unit_summary();
}
