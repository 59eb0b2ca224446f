// SPDX-License-Identifier: MIT
/*
 * usb.c's probe, reached through usb_init as the kernel does, for the controllers it does
 * not bring up. The program is built from the real usb.c with the whole stack, the Intel
 * port routing (xhci_quirks.c) and the kernel side of PCI (pci.c, pci_irq.c), on the
 * simulated machine of usb_probe_harness.h: configuration space through the 0xcf8/0xcfc
 * ports, each xHCI's BAR 0 its own simulated register file, and a heap that can refuse a
 * controller's structure or its slot table. A controller whose takeover or setup
 * fails is reported at KERN_ERR ("usb: <name>: <why>: skipped"), stopped when it can be (a
 * warning when it cannot), its bus mastering ended, its Intel shared ports given back, and
 * it is never linked into usb_controllers: the tick, `usb` and usb_shutdown do not see it,
 * and the healthy controller of the same scan comes up and numbers its devices as the
 * first. A takeover that has to wait (a controller that does not halt at once, or stays
 * Not Ready) goes on from the tick and fails there the same way, without holding usb_init
 * or the healthy controller (test_usb_takeover has the ones that come up). A BAR 0 that is
 * not an assigned memory BAR, or cannot be mapped, is refused before anything else.
 *
 * pci_init runs once per process, so the program takes its case as its argument (CTest
 * runs each): none, a failed takeover beside a healthy controller; "intel" and
 * "intel-stuck", setup failing after the ports moved; "bars"; "heap"; "renesas", cards
 * without firmware.
 */
#include "usb_probe_harness.h"

/* What a skipped controller must show: its line at KERN_ERR, bus mastering off, its BAR
 * mapped once and no access past it, and no place in usb_controllers. */
static void check_skipped(const struct ctl *c, const char *line)
{
	CHECK(log_captured(line)); /* at KERN_ERR */
	CHECK(!(command(c) & PCI_COMMAND_MASTER));
	CHECK_EQ(c->xs.outside, 0u);
	CHECK_EQ(c->maps, 1u);
	CHECK(!listed(c));
}

/* ------------------------------------------------------------------ the cases */
/* The healthy controller (the only one listed) takes a keyboard on root port 5 from the
 * tick usb_init hooked, named as the first controller's ("1-5"): the skipped ones took no
 * number. The tick never touches the skipped ones' registers. */
static void healthy_runs(struct ctl *good, const struct ctl *skipped[2])
{
	static uint32_t before[2][SIM_SIZE / 4];

	CHECK(m.tick != NULL);
	if (!m.tick)
		return;
	for (unsigned int i = 0; i < 2; i++)
		memcpy(before[i], skipped[i]->xs.reg, sizeof(before[i]));
	sim_connect(&good->xs, 5, USB_SPEED_HIGH);
	for (int i = 0; i < 2000 && !sim_logged("kbd: usb 1-5 0627:0001 ready"); i++)
		timer_sleep_ms(1);
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready"));
	for (unsigned int i = 0; i < 2; i++)
		CHECK(!memcmp(before[i], skipped[i]->xs.reg, sizeof(before[i])));
}

/* `usb` lists the healthy controller alone, and usb_shutdown stops it alone. */
static void listing_and_shutdown(const struct ctl *good)
{
	sim_log_clear();
	usb_print();
	CHECK(sim_logged("xhci 00:02.0 1b36:000d: 8 ports, 8 slots"));
	CHECK(!sim_logged("00:01.0"));
	CHECK(!sim_logged("00:03.0"));
	sim_log_clear();
	usb_shutdown("the test's end");
	CHECK(sim_logged("usb: xhci 00:02.0: halted for the test's end\n"));
	CHECK(!sim_logged("00:01.0"));
	CHECK(!sim_logged("00:03.0"));
	CHECK(halted(good));
	CHECK(!(command(good) & PCI_COMMAND_MASTER));
}

/* Three QEMU xHCIs in one scan. 00:01.0, left running by firmware, never halts; 00:03.0,
 * also left running, stays Not Ready. Neither holds usb_init (a few milliseconds, not the
 * 5 s 00:03.0 once cost it): 00:02.0 between them comes up at once, the only one started,
 * and the two others' takeovers go on from the tick, each said once. 32 ms later the halt
 * of 00:01.0 gives up: skipped with its line at KERN_ERR, its stop gives up too (a
 * warning), its bus mastering (firmware's) ends. Meanwhile `usb` lists 00:03.0 with what it
 * waits for; 5 s after its takeover began it is skipped as well ("not ready after 5 s"),
 * and the stop halts it (no warning; not reset). 00:02.0 stays the one listed, its keyboard
 * typing long before: neither skipped controller holds it up. (Before: usb_init took 5 s
 * and skipped both itself.) */
static void takeover_fails(void)
{
	struct ctl *stuck = add_xhci(1, 0x1b36, 0x000d,
				     &(struct xhci_sim){ .running = true, .never_halts = true });
	struct ctl *good = add_xhci(2, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });
	struct ctl *busy = add_xhci(3, 0x1b36, 0x000d,
				    &(struct xhci_sim){ .running = true, .cnr_stuck = true });
	const struct ctl *skipped[2] = { stuck, busy };

	sim_w16(stuck->fn, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	sim_w16(busy->fn, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	CHECK_EQ(scan(), 1);
	CHECK(scan_us < 50000);
	CHECK(sim_logged(
		"usb: xhci 00:01.0: waiting for it to halt: taking it over from the tick\n"));
	CHECK(sim_logged("usb: xhci 00:03.0: waiting for Controller Not Ready to clear: taking it "
			 "over from the tick\n"));
	CHECK(!log_captured("skipped"));
	CHECK(listed(good));
	CHECK(!listed(stuck) && !listed(busy));
	CHECK(sim_logged("usb: xhci 00:02.0 1b36:000d xHCI 1.00, 8 ports, 8 slots"));
	CHECK(command(good) & PCI_COMMAND_MASTER);
	CHECK(m.tick != NULL);
	if (!m.tick)
		return;
	timer_sleep_ms(40);
	check_skipped(stuck, "usb: xhci 00:01.0: controller did not halt in 32 ms: skipped\n");
	CHECK(warned("usb: xhci 00:01.0: not halted; bus mastering off\n"));
	CHECK(!log_captured("not halted")); /* a warning, not an error */
	CHECK(!halted(stuck));
	CHECK(!log_captured("00:03.0"));
	sim_log_clear();
	usb_print();
	CHECK(sim_logged("xhci 00:03.0 1b36:000d: taking it over for "));
	CHECK(sim_logged(" ms: waiting for Controller Not Ready to clear\n"));
	CHECK(!sim_logged("00:01.0"));
	timer_sleep_ms(5000);
	check_skipped(busy, "usb: xhci 00:03.0: controller not ready after 5 s: skipped\n");
	/* xHCI 4.2: no operational register is written while CNR is set */
	CHECK(warned("usb: xhci 00:03.0: not ready: left alone; bus mastering off\n"));
	CHECK(!halted(busy));
	CHECK_EQ(busy->xs.reset_count, 0u);
	CHECK(!sim_logged("usb: none"));
	CHECK(listed(good));
	CHECK(usb_controllers && !usb_controllers->next);
	CHECK(!log_captured("00:02.0"));
	healthy_runs(good, skipped);
	listing_and_shutdown(good);
}

/* The xHCI of an 8 series PCH (Lynx Point) at 00:14.0 shares its ports with the EHCI at
 * 00:1d.0; firmware left them on EHCI but USB 2 port 0. They move to the xHCI (with
 * XUSB2PR locked by firmware, only the SuperSpeed ones: the routing "did not take"), then
 * its setup fails (scratchpads with 8 KiB pages are refused). Skipped, it gives every port
 * back as firmware left it; it was never started, so it is halted, without a warning. */
static void intel_setup_fails(bool locked)
{
	struct ctl *c = add_xhci(0x14, 0x8086, 0x8c31,
				 &(struct xhci_sim){ .pagesize = 0x2, .scratch_lo = 2 });
	struct sim_fn *ehci = sim_add(&m.pci, 0, 0x1d, 0, 0x8086, 0x8c26, PCI_CLASS_SERIAL_BUS,
				      PCI_SUBCLASS_USB, 0);

	sim_w8(ehci, PCI_PROG_IF, PCI_PROG_IF_EHCI);
	sim_w32(c->fn, XHCI_INTEL_USB3PRM, 0x3f);
	sim_w32(c->fn, XHCI_INTEL_XUSB2PRM, 0x3fff);
	sim_w32(c->fn, XHCI_INTEL_XUSB2PR, 0x0001);
	if (locked) {
		c->fn->ro_lo = XHCI_INTEL_XUSB2PR;
		c->fn->ro_hi = XHCI_INTEL_XUSB2PR + 4;
	}
	CHECK_EQ(scan(), 0);
	if (locked)
		CHECK(sim_logged(
			"usb: xhci 00:14.0: Intel shared ports: routing did not take: USB 3 0x3f"));
	else
		CHECK(sim_logged(
			"usb: xhci 00:14.0: Intel shared ports to xHCI: USB 3 0x0 -> 0x3f, USB 2 0x1 -> 0x3fff"));
	check_skipped(
		c, "usb: xhci 00:14.0: scratchpads with a page size other than 4 KiB: skipped\n");
	CHECK_EQ(sim_r32(c->fn, XHCI_INTEL_USB3_PSSEN), 0u);
	CHECK_EQ(sim_r32(c->fn, XHCI_INTEL_XUSB2PR), 0x0001u);
	CHECK_EQ(sim_r32(c->fn, XHCI_INTEL_USB3PRM), 0x3fu); /* firmware's masks: never written */
	CHECK_EQ(sim_r32(c->fn, XHCI_INTEL_XUSB2PRM), 0x3fffu);
	CHECK(halted(c));
	CHECK(!warned("not halted"));
	CHECK(usb_controllers == NULL);
	CHECK(sim_logged("usb: none (no xHCI controller)\n"));
}
static void intel_setup_fails_switched(void) { intel_setup_fails(false); }
static void intel_setup_fails_stuck(void) { intel_setup_fails(true); }

/* An xHCI at 00:dev.0 whose BAR 0 is value (a 64-bit memory BAR if mem64) of size bytes
 * (0: not implemented). */
static struct ctl *add_bar(uint8_t dev, uint64_t value, bool mem64, uint32_t size)
{
	struct ctl *c = add_fn(dev, 0x1b36, 0x000d);

	c->bar = value & ~0xfull;
	if (mem64)
		sim_bar64(c->fn, 0, value, size);
	else if (size)
		sim_bar(c->fn, 0, (uint32_t)value, size);
	return c;
}

/* BAR 0 an I/O BAR (00:01.0), a memory BAR firmware left unassigned (00:02.0), none at all
 * (00:04.0): each skipped with its warning, its configuration space not written (no D0,
 * no decoding or bus mastering), nothing mapped. A BAR at 1 TiB, beyond a 36-bit CPU
 * (00:03.0): ioremap refuses it, skipped with its warning, nothing written either. No
 * controller costs memory; there is none: no tick hook, "usb: none". */
static void bars_refused(void)
{
	struct ctl *c[4] = {
		add_bar(1, 0xe000 | BAR_IO, false, 0x20),
		add_bar(2, BAR_MEM64, true, SIM_SIZE),
		add_bar(3, 1ull << 40 | BAR_MEM64, true, SIM_SIZE),
		add_bar(4, 0, false, 0),
	};
	static const char *const lines[4] = {
		"usb: xhci 00:01.0: BAR 0 is not an assigned memory BAR: skipped\n",
		"usb: xhci 00:02.0: BAR 0 is not an assigned memory BAR: skipped\n",
		"usb: xhci 00:03.0: BAR 0 could not be mapped: skipped\n",
		"usb: xhci 00:04.0: BAR 0 is not an assigned memory BAR: skipped\n",
	};

	CHECK_EQ(scan(), 0);
	for (unsigned int i = 0; i < 4; i++) {
		CHECK(warned(lines[i]));
		CHECK(!memcmp(c[i]->fn->cfg, c[i]->cfg_before, PCI_CFG_LEGACY_SIZE));
		CHECK_EQ(c[i]->maps, 0u);
	}
	CHECK(!log_captured("usb:")); /* warnings, not errors */
	CHECK_EQ(m.ioremaps, 1u);     /* 00:03.0's, refused */
	CHECK_EQ(heap_live, m.heap_before);
	CHECK(usb_controllers == NULL);
	CHECK(m.tick == NULL);
	CHECK(sim_logged("usb: none (no xHCI controller)\n"));
}

/* The heap refusing probe's first allocation (its struct xhci) for 00:01.0: skipped with
 * a KERN_ERR line, its configuration space untouched (no D0, no decode or master change)
 * and its BAR never mapped. Then the slot table, probe's last allocation, refused for
 * 00:02.0: the controller, running by then, is skipped ("out of memory"), halted but not
 * reset, its rings left where it may still point (not freed), and its bus mastering
 * ended. */
static void heap_refused(void)
{
	struct ctl *first = add_xhci(1, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });
	struct ctl *c = add_xhci(2, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });
	long dma_before;

	refuse_controllers = 1;
	refuse_slot_tables = 1;
	dma_before = sim_dma_live();
	CHECK_EQ(scan(), 0);
	CHECK_EQ(refuse_controllers, 0u);
	CHECK(log_captured("usb: xhci 00:01.0: out of memory: skipped\n"));
	CHECK(!memcmp(first->fn->cfg, first->cfg_before, PCI_CFG_LEGACY_SIZE));
	CHECK_EQ(first->maps, 0u);
	CHECK(!listed(first));

	CHECK_EQ(refuse_slot_tables, 0u);
	check_skipped(c, "usb: xhci 00:02.0: out of memory: skipped\n");
	CHECK(halted(c));
	CHECK(!warned("not halted"));
	CHECK_EQ(c->xs.reset_count, 1u); /* the takeover's only */
	CHECK(sim_dma_live() > dma_before);
	CHECK(c->xs.ev_base != 0); /* the event ring it was given */
	CHECK(usb_controllers == NULL);
}

/* Renesas uPD72020x cards: 00:01.0 has no ROM and no firmware loaded (it would stay Not
 * Ready): skipped at once, before its BAR is mapped or a register read, so the 5 s wait for
 * Controller Not Ready never happens and its configuration space is as found. 00:03.0 has a
 * ROM, 00:04.0 no ROM but firmware loaded (download result "success"): both taken over as
 * any controller, beside the QEMU xHCI at 00:02.0. Before: every one was "tried anyway". */
static void renesas_without_firmware(void)
{
	struct ctl *bare =
		add_xhci(1, PCI_VENDOR_RENESAS, 0x0015, &(struct xhci_sim){ .cnr_stuck = true });
	struct ctl *good = add_xhci(2, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });
	struct ctl *rom = add_xhci(3, PCI_VENDOR_RENESAS, 0x0014, &(struct xhci_sim){ 0 });
	struct ctl *loaded = add_xhci(4, PCI_VENDOR_RENESAS, 0x0015, &(struct xhci_sim){ 0 });

	sim_w16(bare->fn, 0xf4, 0x0020); /* a download that failed */
	sim_w16(rom->fn, 0xf6, 0x8000);  /* ROM present */
	sim_w16(loaded->fn, 0xf4, 0x0010);
	CHECK_EQ(scan(), 3);
	CHECK(log_captured("usb: xhci 00:01.0: Renesas uPD72020x without firmware (no ROM, none "
			   "loaded; LiOS carries none): skipped\n"));
	CHECK_EQ(bare->maps, 0u);
	CHECK_EQ(bare->accesses, 0u);
	CHECK(!memcmp(bare->fn->cfg, bare->cfg_before, PCI_CFG_LEGACY_SIZE));
	CHECK(!listed(bare));
	CHECK(!log_captured("not ready"));
	CHECK(listed(good) && listed(rom) && listed(loaded));
	CHECK(sim_logged("usb: xhci 00:03.0 1912:0014 xHCI 1.00"));
	CHECK(sim_logged("usb: xhci 00:04.0 1912:0015 xHCI 1.00"));
}

int main(int argc, char **argv)
{
	logs_start();
	if (argc < 2)
		RUN(takeover_fails);
	else if (!strcmp(argv[1], "intel"))
		RUN(intel_setup_fails_switched);
	else if (!strcmp(argv[1], "intel-stuck"))
		RUN(intel_setup_fails_stuck);
	else if (!strcmp(argv[1], "bars"))
		RUN(bars_refused);
	else if (!strcmp(argv[1], "heap"))
		RUN(heap_refused);
	else if (!strcmp(argv[1], "renesas"))
		RUN(renesas_without_firmware);
	else
		fprintf(stderr, "test_usb_probe: no case %s\n", argv[1]);
	sim_free(&m.pci);
	return unit_summary();
}
