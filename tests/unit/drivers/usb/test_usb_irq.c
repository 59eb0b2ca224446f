// SPDX-License-Identifier: MIT
/*
 * usb.c's interrupt path, on the machine of test_usb_probe (usb_probe_harness.h: the real
 * usb.c probe through usb_init, pci.c and pci_irq.c over simulated ports, each BAR 0 a
 * simulated xHCI). The probe asks for MSI-X, then MSI unless MSI-X found no free vector
 * (-ENOSPC: MSI would find none either), else leaves the controller polled and says so;
 * with a message it turns interrupter 0 on. The handler the interrupt layer was given is
 * called here as the CPU would: it counts the interrupt, leaves a dead controller alone,
 * acknowledges USBSTS.EINT and IMAN.IP (both write-1-to-clear in the simulator, which sets
 * them with each event while the interrupter is enabled), and consumes the event ring.
 *
 * Each xHCI here is QEMU-like: an MSI-X capability whose table of 16 sits in BAR 0 at
 * TABLE, and/or an MSI capability with 64-bit addresses. pci_init runs once per process,
 * so the program takes its case as its argument (CTest runs each): none, MSI-X with a key
 * typed through the handler and the `usb` listing; "msi"; "enospc"; "novector"; "dead".
 */
#include "../../../../src/drivers/pci/pci_internal.h"
#include "usb_probe_harness.h"

#define MSIX_CAP 0x90
#define MSI_CAP 0x70
#define TABLE 0x1800 /* the MSI-X table in BAR 0: past the simulator's registers */
#define ENTRIES 16
#define IMAN0 (SIM_RT + XHCI_IR(0) + XHCI_IMAN)
#define IMOD0 (SIM_RT + XHCI_IR(0) + XHCI_IMOD)
#define ROOT_PORT 5 /* a USB 2 port of the simulator */

/* ------------------------------------------------------------------ the machine */
/* The xHCI at 00:01.0 with the capabilities asked for; its MSI-X table as hardware leaves
 * it after reset (every entry masked). */
static struct ctl *xhci_with(bool msix, bool msi)
{
	struct ctl *c = add_xhci(1, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });

	if (msix) {
		sim_cap(c->fn, MSIX_CAP, PCI_CAP_ID_MSIX);
		sim_w16(c->fn, MSIX_CAP + PCI_MSIX_FLAGS, ENTRIES - 1);
		sim_w32(c->fn, MSIX_CAP + PCI_MSIX_TABLE, TABLE); /* BIR 0 */
		for (unsigned int e = 0; e < ENTRIES; e++)
			c->xs.reg[(TABLE + e * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_CTRL) / 4] =
				PCI_MSIX_ENTRY_CTRL_MASKBIT;
	}
	if (msi) {
		sim_cap(c->fn, MSI_CAP, PCI_CAP_ID_MSI);
		sim_w16(c->fn, MSI_CAP + PCI_MSI_FLAGS, PCI_MSI_FLAGS_64BIT);
	}
	return c;
}

static uint16_t cfg16(const struct ctl *c, uint16_t off) { return (uint16_t)sim_r32(c->fn, off); }
static bool msix_on(const struct ctl *c)
{
	return cfg16(c, MSIX_CAP + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_ENABLE;
}
static bool msi_on(const struct ctl *c)
{
	return cfg16(c, MSI_CAP + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE;
}
static uint32_t msix_word(const struct ctl *c, uint32_t off) { return reg(c, TABLE + off); }

/* Interrupter 0 raises interrupts (IMAN.IE, USBCMD.INTE), or nothing at all. */
static bool interrupter_on(const struct ctl *c)
{
	return (reg(c, IMAN0) & XHCI_IMAN_IE) && (reg(c, SIM_OP + XHCI_USBCMD) & XHCI_CMD_INTE);
}
static bool interrupter_off(const struct ctl *c)
{
	return !(reg(c, IMAN0) & XHCI_IMAN_IE) && !(reg(c, SIM_OP + XHCI_USBCMD) & XHCI_CMD_INTE);
}

/* The interrupt for vector v arrives: its handler runs, as irq_vector_dispatch runs it. */
static void interrupt(int v)
{
	CHECK(v >= 0 && v < 256 && irq_layer.fn[v] != NULL);
	if (v >= 0 && v < 256 && irq_layer.fn[v])
		irq_layer.fn[v]((unsigned int)v, irq_layer.ctx[v]);
}

/* An interrupt is pending at the controller (IMAN.IP and USBSTS.EINT), or none is. */
static bool pending(const struct ctl *c)
{
	return (reg(c, IMAN0) & XHCI_IMAN_IP) && (reg(c, SIM_OP + XHCI_USBSTS) & XHCI_STS_EINT);
}
static bool acknowledged(const struct ctl *c)
{
	return !(reg(c, IMAN0) & XHCI_IMAN_IP) && !(reg(c, SIM_OP + XHCI_USBSTS) & XHCI_STS_EINT);
}

/* A keyboard on ROOT_PORT, brought up by the tick usb_init hooked, its first LED report
 * (sent once it is ready) answered too. The device, NULL when it did not come up. */
static struct usb_dev *keyboard_ready(struct ctl *c)
{
	CHECK(m.tick != NULL);
	if (!m.tick)
		return NULL;
	sim_connect(&c->xs, ROOT_PORT, USB_SPEED_HIGH);
	host_time_skip_ns = 200000; /* 0.2 ms a clock read: debounce and reset pass in ticks */
	for (int i = 0; i < 5000 && (!sim_logged("kbd: usb 1-5 0627:0001 ready") ||
				     (usb_dev_list() && usb_dev_list()->busy));
	     i++)
		m.tick();
	host_time_skip_ns = 0;
	CHECK(sim_logged("kbd: usb 1-5 0627:0001 ready"));
	return usb_dev_list();
}

/* Keyboard d's next interrupt transfer completes with report r; its Transfer Event posted,
 * for the handler or the tick to take. */
static void key_report(struct ctl *c, struct usb_dev *d, const uint8_t r[8])
{
	unsigned int i = d->intr_deq;

	memcpy(xhci_intr_data(d, i), r, 8);
	sim_post_transfer(&c->xs, d->slot, d->intr_dci, d->intr.phys + i * 16, XHCI_CC_SUCCESS, 0);
}

/* The `usb` listing holds line. */
static bool usb_lists(const char *line)
{
	sim_log_clear();
	usb_print();
	return sim_logged(line);
}

/* ------------------------------------------------------------------ the cases */
/* MSI-X and MSI both there: MSI-X gets the vector (48, the first), entry 0 of its table
 * holds the message, unmasked, MSI stays off; the probe line says "MSI-X and polled";
 * interrupter 0 is on (IMOD 40 us). */
static void msix_chosen(struct ctl *c, struct xhci *hc)
{
	CHECK_EQ(irq_layer.allocs, 1u);
	CHECK_EQ(hc->irq_vector, IRQ_VECTOR_DYN_FIRST);
	CHECK(irq_layer.ctx[IRQ_VECTOR_DYN_FIRST] == hc);
	CHECK(sim_logged("usb: xhci 00:01.0 1b36:000d xHCI 1.00, 8 ports, 8 slots, "));
	CHECK(sim_logged(" scratchpads, MSI-X and polled\n"));
	CHECK(msix_on(c) && !msi_on(c));
	CHECK_EQ(msix_word(c, PCI_MSIX_ENTRY_ADDR_LO), MSI_ADDR);
	CHECK_EQ(msix_word(c, PCI_MSIX_ENTRY_ADDR_HI), 0u);
	CHECK_EQ(msix_word(c, PCI_MSIX_ENTRY_DATA), (uint32_t)IRQ_VECTOR_DYN_FIRST);
	CHECK_EQ(msix_word(c, PCI_MSIX_ENTRY_CTRL), 0u);
	CHECK(interrupter_on(c));
	CHECK_EQ(reg(c, IMOD0), XHCI_IMOD_INTERVAL_40US);
}

/* A keyboard comes up (the tick consuming its events); its next report, 'a' pressed,
 * leaves an interrupt pending. The handler types the key at once (no tick), acknowledges
 * EINT and IP, keeps the interrupter enabled, and counts one interrupt and one event. The
 * `usb` listing then says so, beside what the tick consumed. */
static void msix_key_typed(void)
{
	struct ctl *c = xhci_with(true, true);
	static const uint8_t press_a[8] = { 0, 0, 0x04 };
	struct usb_dev *kbd;
	struct xhci *hc;
	char line[96];

	CHECK_EQ(scan(), 1);
	hc = usb_controllers;
	if (!hc)
		return;
	msix_chosen(c, hc);
	kbd = keyboard_ready(c);
	if (!kbd)
		return;
	CHECK_EQ(hc->irqs, 0u);
	CHECK(hc->tick_events > 0);
	key_report(c, kbd, press_a);
	CHECK(pending(c));
	interrupt(hc->irq_vector);
	CHECK_EQ(key_presses, 1u);
	CHECK(acknowledged(c));
	CHECK(interrupter_on(c));
	CHECK_EQ(hc->irqs, 1u);
	CHECK_EQ(hc->irq_events, 1u);
	snprintf(line, sizeof(line),
		 "  MSI-X vector 48: 1 interrupts, events 1 by interrupt, %lu by tick\n",
		 (unsigned long)hc->tick_events);
	CHECK(usb_lists(line));
}

/* MSI alone: the vector goes to MSI (64-bit address, data 48, enabled), the probe line says
 * "MSI and polled", interrupter 0 is on. A device plugged in posts a Port Status Change
 * Event: the handler consumes it, so the next tick scans the ports (hc->ticks back to 0),
 * and acknowledges the interrupt. */
static void msi_port_change(void)
{
	struct ctl *c = xhci_with(false, true);
	struct xhci *hc;

	CHECK_EQ(scan(), 1);
	hc = usb_controllers;
	if (!hc)
		return;
	CHECK_EQ(irq_layer.calls, 1u); /* no MSI-X capability: no vector asked for it */
	CHECK_EQ(irq_layer.allocs, 1u);
	CHECK_EQ(hc->irq_vector, IRQ_VECTOR_DYN_FIRST);
	CHECK(sim_logged(" scratchpads, MSI and polled\n"));
	CHECK(msi_on(c));
	CHECK_EQ(sim_r32(c->fn, MSI_CAP + PCI_MSI_ADDR_LO), MSI_ADDR);
	CHECK_EQ(cfg16(c, MSI_CAP + PCI_MSI_DATA_64), IRQ_VECTOR_DYN_FIRST);
	CHECK(interrupter_on(c));
	hc->ticks = 5; /* mid-way between port scans */
	sim_connect(&c->xs, ROOT_PORT, USB_SPEED_HIGH);
	sim_port_event(&c->xs, ROOT_PORT);
	CHECK(pending(c));
	interrupt(hc->irq_vector);
	CHECK_EQ(hc->ticks, 0u);
	CHECK_EQ(hc->irq_events, 1u);
	CHECK(acknowledged(c));
	CHECK(usb_lists("  MSI vector 48: 1 interrupts, events 1 by interrupt, "));
}

/* What a polled controller shows: its line with the error, the probe line "polled" alone,
 * interrupter 0 off, no vector kept, neither capability enabled, the listing "polled". */
static void polled(const struct ctl *c, int err)
{
	char line[96];

	snprintf(line, sizeof(line), "usb: xhci 00:01.0: no MSI/MSI-X (%d): polled from the tick\n",
		 err);
	CHECK(sim_logged(line));
	CHECK(sim_logged(" scratchpads, polled\n"));
	CHECK(usb_controllers && usb_controllers->irq_kind == NULL);
	CHECK(interrupter_off(c));
	CHECK_EQ(irq_layer.allocs, 0u);
	CHECK(!msix_on(c) && !msi_on(c));
	CHECK(usb_lists("  polled: events "));
}

/* MSI-X finds no free vector (-ENOSPC): MSI is not tried, though the interrupt layer would
 * have answered the next call; polled, saying -28. */
static void enospc_polled(void)
{
	struct ctl *c = xhci_with(true, true);

	irq_layer.refuse = -ENOSPC;
	irq_layer.refusals = 1;
	CHECK_EQ(scan(), 1);
	CHECK_EQ(irq_layer.calls, 1u);
	polled(c, -ENOSPC);
}

/* The 8259 backend (`noapic`): no vector for MSI-X, nor for MSI; polled, saying -19. */
static void novector_polled(void)
{
	struct ctl *c = xhci_with(true, true);

	irq_layer.refusals = UINT_MAX; /* with -ENODEV */
	CHECK_EQ(scan(), 1);
	CHECK_EQ(irq_layer.calls, 2u);
	polled(c, -ENODEV);
}

/* A controller stopped by usb_shutdown (dead) whose interrupt still arrives, an event on
 * its ring and its status saying so: the handler counts it (an interrupt was taken) and
 * touches nothing else: no register written, the event left, no key typed. */
static void dead_untouched(void)
{
	struct ctl *c = xhci_with(true, false);
	static const uint8_t press_a[8] = { 0, 0, 0x04 };
	static uint32_t before[SIM_SIZE / 4];
	struct usb_dev *kbd;
	struct xhci *hc;
	unsigned int deq;

	CHECK_EQ(scan(), 1);
	hc = usb_controllers;
	kbd = keyboard_ready(c);
	if (!hc || !kbd)
		return;
	usb_shutdown("the test's end");
	CHECK(hc->dead);
	key_report(c, kbd, press_a);
	c->xs.reg[IMAN0 / 4] |= XHCI_IMAN_IP; /* the interrupt it raised before it stopped */
	c->xs.reg[(SIM_OP + XHCI_USBSTS) / 4] |= XHCI_STS_EINT;
	memcpy(before, c->xs.reg, sizeof(before));
	deq = hc->ev_deq;
	interrupt(hc->irq_vector);
	CHECK_EQ(hc->irqs, 1u);
	CHECK(!memcmp(before, c->xs.reg, sizeof(before)));
	CHECK_EQ(hc->ev_deq, deq);
	CHECK_EQ(hc->irq_events, 0u);
	CHECK_EQ(key_presses, 0u);
}

int main(int argc, char **argv)
{
	logs_start();
	irq_layer.refusals = 0; /* vectors for the asking, unless a case says otherwise */
	if (argc < 2)
		RUN(msix_key_typed);
	else if (!strcmp(argv[1], "msi"))
		RUN(msi_port_change);
	else if (!strcmp(argv[1], "enospc"))
		RUN(enospc_polled);
	else if (!strcmp(argv[1], "novector"))
		RUN(novector_polled);
	else if (!strcmp(argv[1], "dead"))
		RUN(dead_untouched);
	else
		fprintf(stderr, "test_usb_irq: no case %s\n", argv[1]);
	sim_free(&m.pci);
	return unit_summary();
}
