// SPDX-License-Identifier: MIT
/*
 * The USB stack's kernel side: find the xHCI functions in the PCI list, take each over
 * (xhci.c), and drive everything from the timer tick; plus the `usb` listing.
 *
 * Takeover: usb_init checks each controller's registers at once (one that makes no sense
 * is skipped there), asks its BIOS for it and polls its takeover for TAKEOVER_AT_ONCE_US,
 * which is all a healthy controller needs; one that still waits (Controller Not Ready for
 * up to 5 s, a slow halt or reset) goes on the pending list, and the tick steps its
 * takeover (xhci_takeover_step) until it comes up, exactly as one taken at once, or is
 * skipped. So no such controller holds the boot or another's keyboard. The BIOS handoffs
 * alone are still waited for in usb_init (up to 1 s, all controllers at once:
 * bios_handoffs_wait), because the 8042 is probed next and a BIOS's PS/2 emulation must
 * have ended by then.
 * A pending controller is nobody else's business: it has no number, no devices, no health
 * check; `usb` shows what it waits for, usb_wait_settled counts it busy, usb_shutdown
 * finishes a halt or reset under way and leaves one that is not ready, or still the
 * BIOS's, untouched.
 *
 * Interrupts: MSI-X, else MSI, on interrupter 0, with the tick's poll kept as fallback and
 * watchdog. Why this order: a message-signalled interrupt needs no routing knowledge (no
 * ACPI _PRT, no shared level-triggered line that a confused controller could hold
 * asserted), and QEMU's qemu-xhci has only MSI-X, nec-usb-xhci both, as do real parts.
 * INTx is not used: its routing on an I/O APIC needs the _PRT we do not read, and firmware's
 * INTERRUPT_LINE is only right for the 8259; where MSIs are impossible (`noapic`: the 8259
 * backend has no dynamic vectors, pci_irq_enable says -ENODEV) the controller is polled.
 * The interrupt handler only acknowledges (USBSTS.EINT, IMAN.IP) and consumes the event
 * ring, so a key report reaches kbd at once instead of on the next tick; everything timed
 * (port debounce and reset, enumeration steps, deadlines, typematic repeat) stays on the
 * 1 kHz tick, which also consumes the event ring on every tick: an MSI that never arrives
 * (a broken platform, a lost message) costs at most 1 ms, never a dead keyboard. Both
 * contexts run with interrupts off on the one CPU, so they never overlap: no locking. The
 * cost of an idle tick is one memory read of the next event TRB per controller plus a port
 * scan every 10 ms. IMOD is 40 us: a burst of events raises one interrupt. Polled mode
 * leaves IMAN.IE and USBCMD.INTE clear and INTx disabled, so the controller raises nothing.
 * `usb` shows which mode each controller is in and how many events each path consumed.
 */
#include <lios/arch.h>
#include <lios/cmdline.h>
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/pci.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/time.h>
#include <lios/timer.h>
#include <lios/usb.h>
#include "usb_internal.h"

#define SETTLE_FOR_SELFTEST_MS 3000
#define SETTLE_POLL_MS 10 /* usb_wait_settled looks again this often */
/* A self-test boot waits this long at most for the takeovers that went on from the tick
 * (their own deadlines end each sooner: 5 s, 1 s, 32 ms, 1 s) before its settle wait. */
#define TAKEOVER_FOR_SELFTEST_MS 8000
/* usb_init polls a takeover this long before it leaves the rest to the tick: a healthy
 * controller's halt and reset (its 1 ms settle) fit, a slow or broken one costs no more. */
#define TAKEOVER_AT_ONCE_US 2000
/* usb_init waits this long at most for the BIOS handoffs (bios_handoffs_wait): each ends
 * within its 1 s, overruled then (xhci.c) */
#define BIOS_HANDOFF_BOUND_US 1100000

struct xhci *usb_controllers;
/* Controllers whose takeover waits (Controller Not Ready, the BIOS, a halt or a reset),
 * in probe order: stepped by the tick, then moved to usb_controllers or skipped. Not
 * numbered yet, and none of the stack's business: neither xhci_tick nor any device sees
 * them. */
static struct xhci *usb_pending;
static int controller_count;
static int controllers_left = -1; /* usb=off: the xHCI controllers left alone; -1: on */
bool usb_boot_waited;
unsigned int usb_boot_devices;

/* usb_now_us - the stack's clock (microseconds, monotonic). Any context. */
uint64_t usb_now_us(void) { return timer_uptime_us(); }

static void takeovers_tick(void);

/* The boot's "usb: none" line, once: usb_init says it, or the tick when the last pending
 * controller is skipped with none up. */
static void say_none(void)
{
	static bool said;

	if (!said)
		printk("usb: none (no xHCI controller)\n");
	said = true;
}

/* The tick: the takeovers still waiting (takeovers_tick), every controller (health,
 * recovery, events, ports: xhci_tick), one step of every device, typematic repeat. IRQ 0
 * context. */
static void usb_tick(void)
{
	struct usb_dev *d, *next;

	takeovers_tick();
	for (struct xhci *hc = usb_controllers; hc; hc = hc->next)
		hc->tick_events += xhci_tick(hc);
	for (d = usb_dev_list(); d; d = next) {
		next = d->next;
		usb_dev_step(d);
	}
	usb_kbd_tick();
}

/* MSI/MSI-X handler of a controller (interrupter 0). Interrupt context. */
static void usb_irq(unsigned int vector, void *ctx)
{
	struct xhci *hc = ctx;
	uint32_t ir = hc->rt + XHCI_IR(0);

	(void)vector;
	hc->irqs++;
	if (hc->dead)
		return;
	xhci_write(hc, hc->op + XHCI_USBSTS, XHCI_STS_EINT);          /* RW1C */
	xhci_write(hc, ir + XHCI_IMAN, XHCI_IMAN_IP | XHCI_IMAN_IE);   /* IP is RW1C */
	hc->irq_events += xhci_process_events(hc);
}

/* MSI-X, else MSI; on success the controller interrupts on every event. */
static void enable_irq(struct xhci *hc, struct pci_dev *pd)
{
	int v = pci_msix_enable(pd, 0, usb_irq, hc);

	hc->irq_kind = "MSI-X";
	if (v < 0 && v != -ENOSPC) {
		v = pci_msi_enable(pd, usb_irq, hc);
		hc->irq_kind = "MSI";
	}
	if (v < 0) {
		hc->irq_kind = NULL;
		printk(KERN_INFO "usb: %s: no MSI/MSI-X (%d): polled from the tick\n", hc->name, v);
		return;
	}
	hc->irq_vector = v;
	xhci_irq_on(hc);
}

/* An Intel EHCI anywhere: then an Intel xHCI may share its ports with it (xhci_quirks.c). */
static bool intel_ehci_present(void)
{
	for (struct pci_dev *e = NULL; (e = pci_find_class(PCI_CLASS_SERIAL_BUS, PCI_SUBCLASS_USB, PCI_PROG_IF_EHCI, e));)
		if (e->vendor == PCI_VENDOR_INTEL)
			return true;
	return false;
}

/* hc, taken over from firmware: give it the ports an Intel EHCI may hold (xhci_quirks.c),
 * set it up and give it its slot table. 0, or an error with why. */
static int bring_up(struct xhci *hc, char *why, size_t why_size)
{
	int err;

	hc->routed = xhci_intel_route(hc->pci, intel_ehci_present(), hc->name, &hc->route);
	err = xhci_setup(hc, why, why_size);
	if (!err && !(hc->slot_dev = heap_calloc(hc->max_slots + 1u, sizeof(*hc->slot_dev)))) {
		lios_strlcpy(why, "out of memory", why_size);
		err = -ENOMEM;
	}
	return err;
}

/* hc did not come up (why): it is never linked into usb_controllers, so usb_shutdown will
 * not stop it. It is stopped now, its bus mastering ended and its ports given back. */
static void skip_controller(struct xhci *hc, struct pci_dev *pd, const char *why)
{
	int err;

	printk(KERN_ERR "usb: %s: %s: skipped\n", hc->name, why);
	/* bus mastering ends whether it halted or not, or it may go on (as firmware left it,
	 * or as we started it) into memory reused after a warm reboot; one still Not Ready
	 * (-EBUSY) is not written to at all (xHCI 4.2) */
	err = xhci_abandon(hc);
	if (err == -EBUSY)
		printk(KERN_WARN "usb: %s: not ready: left alone; bus mastering off\n", hc->name);
	else if (err)
		printk(KERN_WARN "usb: %s: not halted; bus mastering off\n", hc->name);
	pci_command(pd, 0, PCI_COMMAND_MASTER);
	if (hc->routed == XHCI_ROUTE_SWITCHED || hc->routed == XHCI_ROUTE_STUCK)
		xhci_intel_unroute(pd, &hc->route); /* its USB 2/3 ports back to the EHCI */
}

/* hc's takeover ended (err, why): set it up and start it, its ports, its interrupts, its
 * line, and link it into usb_controllers under the next number; or skip it. Boot, or the
 * tick for a takeover that had to wait. */
static int taken_over(struct xhci *hc, int err, char *why, size_t why_size)
{
	struct pci_dev *pd = hc->pci;

	if (!err)
		err = bring_up(hc, why, why_size);
	if (err) {
		skip_controller(hc, pd, why);
		return err; /* hc leaks on purpose: the controller may still point into its memory */
	}
	hc->index = controller_count;
	xhci_ports_start(hc);
	pci_bind(pd, "xhci");
	if (!cmdline_has("usb.poll"))
		enable_irq(hc, pd);
	printk("usb: %s %04x:%04x xHCI %x.%02x, %u ports, %u slots, %u-byte contexts, %u scratchpads, %s%s\n",
	       hc->name, hc->vendor, hc->device, hc->hci_version >> 8, hc->hci_version & 0xff, hc->max_ports,
	       hc->max_slots, hc->ctx_size, hc->scratchpads, hc->irq_kind ? hc->irq_kind : "polled",
	       hc->irq_kind ? " and polled" : "");
	controller_count++;
	hc->next = usb_controllers;
	usb_controllers = hc;
	return 0;
}

/* usb_init's own look at a takeover: its steps polled for TAKEOVER_AT_ONCE_US at most, long
 * enough for a healthy controller's halt and its reset's 1 ms settle, so that such a
 * controller comes up within usb_init as before. What still waits then goes on from the
 * tick. The step's answer. Boot. */
static int takeover_at_once(struct xhci *hc, char *why, size_t why_size)
{
	uint64_t dl = deadline_us(TAKEOVER_AT_ONCE_US);
	int err;

	while ((err = xhci_takeover_step(hc, why, why_size)) == -EINPROGRESS && !deadline_passed(dl))
		udelay(50);
	return err;
}

/* The takeovers that had to wait, one step each, from the tick (before the controllers,
 * so one that comes up runs in the same tick). A takeover that ends comes up or is skipped
 * (taken_over); the last controller gone, with none up, the boot's "usb: none" line comes
 * now. IRQ 0 context (or boot, without a tick: takeovers_finish). */
static void takeovers_tick(void)
{
	struct xhci **pp = &usb_pending;
	char why[80];

	while (*pp) {
		struct xhci *hc = *pp;
		int err = xhci_takeover_step(hc, why, sizeof(why));

		if (err == -EINPROGRESS) {
			pp = &hc->next;
			continue;
		}
		*pp = hc->next;
		hc->next = NULL;
		taken_over(hc, err, why, sizeof(why));
		if (!usb_controllers && !usb_pending)
			say_none();
	}
}

/* Without a tick, usb_init ends every pending takeover itself, waiting, as it once did for
 * all of them. Boot. */
static void takeovers_finish(void)
{
	while (usb_pending) {
		takeovers_tick();
		udelay(50);
	}
}

static int probe(struct pci_dev *pd)
{
	struct xhci *hc = heap_calloc(1, sizeof(*hc));
	const struct pci_bar *bar = pci_bar(pd, 0);
	struct xhci **pp;
	char why[80];
	void *base;
	int err;

	if (!hc) {
		printk(KERN_ERR "usb: xhci %02x:%02x.%u: out of memory: skipped\n", PCI_ADDR_BUS(pd->addr),
		       PCI_ADDR_DEV(pd->addr), PCI_ADDR_FN(pd->addr));
		return -ENOMEM;
	}
	ksnprintf(hc->name, sizeof(hc->name), "xhci %02x:%02x.%u", PCI_ADDR_BUS(pd->addr), PCI_ADDR_DEV(pd->addr),
		  PCI_ADDR_FN(pd->addr));
	hc->vendor = pd->vendor;
	hc->device = pd->device;
	hc->pci = pd;
	hc->index = -1; /* numbered when it comes up */
	if (xhci_renesas_needs_firmware(pd)) { /* nothing touched yet: nothing to undo */
		printk(KERN_ERR "usb: %s: Renesas uPD72020x without firmware (no ROM, none loaded; "
		       "LiOS carries none): skipped\n", hc->name);
		heap_free(hc);
		return -ENODEV;
	}
	if (!bar || !bar->size || (bar->flags & PCI_BAR_IO) || !bar->addr) {
		printk(KERN_WARN "usb: %s: BAR 0 is not an assigned memory BAR: skipped\n", hc->name);
		heap_free(hc);
		return -ENODEV;
	}
	pci_set_d0(pd);
	base = pci_bar_map(pd, 0);
	if (!base) {
		printk(KERN_WARN "usb: %s: BAR 0 could not be mapped: skipped\n", hc->name);
		heap_free(hc);
		return -ENOMEM;
	}
	/* firmware (OVMF) may have left decoding and bus mastering off, in the bridges above it
	 * too (PcdDisableBMEonEBS: its DMA would stop there); no INTx: polled */
	pci_enable_upstream(pd, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	pci_command(pd, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE, 0);
	hc->mmio = xhci_mmio_bar(hc, base);
	hc->mmio_size = bar->size;
	hc->takeover_us = usb_now_us();
	err = xhci_takeover_begin(hc, why, sizeof(why));
	if (!err)
		err = takeover_at_once(hc, why, sizeof(why));
	if (err == -EINPROGRESS) {
		printk(KERN_INFO "usb: %s: %s: taking it over from the tick\n", hc->name,
		       xhci_takeover_waiting(hc));
		pp = &usb_pending; /* last: the tick keeps the probe's order */
		while (*pp)
			pp = &(*pp)->next;
		*pp = hc;
		return 0;
	}
	return taken_over(hc, err, why, sizeof(why));
}

/* A controller whose takeover had not ended, before a reboot or power-off. A halt or a
 * reset under way is finished (within its own deadline: never left mid-reset) and the
 * controller stopped as a running one is, with the same line; one still waiting for
 * Controller Not Ready or for its BIOS is not touched (no register, the BIOS's handoff not
 * forced), and said so. Its bus mastering ends either way (its DMA, or firmware's, must not
 * go on into memory reused after a warm reboot); no port was routed yet. */
static void shutdown_pending(struct xhci *hc, const char *why)
{
	bool quirk = xhci_intel_wakes_from_s5(hc->pci);
	char err[48];
	int r = xhci_takeover_cancel(hc, err, sizeof(err));

	if (r == -EBUSY)
		printk(KERN_WARN "usb: %s: %s before %s: left alone; bus mastering off\n", hc->name, err, why);
	else if (r || xhci_stop(hc, quirk, err, sizeof(err)))
		printk(KERN_WARN "usb: %s: %s before %s; bus mastering off\n", hc->name, err, why);
	else
		printk("usb: %s: halted for %s\n", hc->name, why);
	pci_command(hc->pci, 0, PCI_COMMAND_MASTER);
	if (!r && quirk && pci_set_d3hot(hc->pci))
		printk(KERN_WARN "usb: %s: did not enter D3hot\n", hc->name);
}

/* usb_shutdown - see <lios/usb.h>. */
void usb_shutdown(const char *why)
{
	uint64_t flags = arch_irq_save();
	char err[48];

	/* forgotten first: the tick steps them no more */
	for (struct xhci *hc = usb_pending, *next; hc; hc = next) {
		next = hc->next;
		shutdown_pending(hc, why);
	}
	usb_pending = NULL;

	for (struct xhci *hc = usb_controllers; hc; hc = hc->next) {
		bool quirk = xhci_intel_wakes_from_s5(hc->pci);

		hc->dead = true; /* the tick and the interrupt handler leave it alone from now on */
		hc->recovery = XHCI_RECOVERY_NONE;
		/* no report comes again: a key held now would stay down and repeat for ever */
		usb_kbd_controller_shut_down(hc);
		if (xhci_stop(hc, quirk, err, sizeof(err)))
			printk(KERN_WARN "usb: %s: %s before %s; bus mastering off\n", hc->name, err, why);
		else
			printk("usb: %s: halted for %s\n", hc->name, why);
		/* a controller that did not halt can DMA no more either */
		pci_command(hc->pci, 0, PCI_COMMAND_MASTER);
		if (hc->routed == XHCI_ROUTE_SWITCHED || hc->routed == XHCI_ROUTE_STUCK)
			xhci_intel_unroute(hc->pci, &hc->route);
		if (quirk && pci_set_d3hot(hc->pci))
			printk(KERN_WARN "usb: %s: did not enter D3hot\n", hc->name);
	}
	arch_irq_restore(flags);
}

/* usb_live_devices - devices in the list that are neither refused nor unplugged. Thread
 * context. */
unsigned int usb_live_devices(void)
{
	uint64_t flags = arch_irq_save();
	unsigned int n = 0;

	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		n += !d->failed && !d->gone;
	arch_irq_restore(flags);
	return n;
}

static bool busy_port(struct xhci *hc)
{
	for (unsigned int p = 1; p <= hc->max_ports; p++) {
		enum xhci_port_state s = hc->port[p].state;

		if (s == PORT_DEBOUNCE || s == PORT_RESETTING || s == PORT_RECOVERY || s == PORT_WARM_RESET)
			return true;
		/* connected but not yet seen by the port scan */
		if (s == PORT_EMPTY && (xhci_read(hc, hc->op + XHCI_PORTSC(p)) & XHCI_PORTSC_CCS))
			return true;
	}
	return false;
}

/* d is on its way to working: enumerating, or its class driver still setting up (a
 * keyboard before its reports are taken; a hub before it is ready, or while one of its
 * ports connects a device: the hub is enumerated long before the devices behind it). A
 * device refused, unplugged or on a stopped controller is not: nothing more will come. */
static bool dev_settling(const struct usb_dev *d)
{
	if (d->failed || d->gone || d->hc->dead)
		return false;
	if (!strcmp(usb_dev_state_name(d), "enumerating"))
		return true;
	if (d->driver == USB_DRV_KBD)
		return !usb_kbd_ready(d);
	if (d->driver == USB_DRV_HUB)
		return !usb_hub_settled(d);
	return false;
}

/*
 * usb_wait_settled - wait (at most ms) until no controller is still being taken over, no
 * root port is debouncing or resetting and no device is still enumerating or setting up,
 * behind hubs too. True when settled; false,
 * after a last look at ms, when not (0: one look, no sleep). Thread context, interrupts
 * enabled.
 */
bool usb_wait_settled(uint64_t ms)
{
	for (uint64_t waited = 0;; waited += SETTLE_POLL_MS) {
		uint64_t flags = arch_irq_save();
		bool busy = usb_pending != NULL; /* a controller on its way up */

		for (struct xhci *hc = usb_controllers; hc; hc = hc->next)
			busy |= hc->recovery != XHCI_RECOVERY_NONE || (!hc->dead && busy_port(hc));
		for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
			busy |= dev_settling(d);
		arch_irq_restore(flags);
		if (!busy)
			return true;
		if (waited >= ms)
			return false;
		timer_sleep_ms(ms - waited < SETTLE_POLL_MS ? ms - waited : SETTLE_POLL_MS);
	}
}

/* usb.kbd=report: every USB keyboard read in report protocol (usb_kbd.c); usb.kbd=boot, or
 * none, the boot protocol first. Anything else is said and ignored. */
static void kbd_protocol_from_cmdline(void)
{
	char val[8];
	int len = cmdline_value("usb.kbd", val, sizeof(val));

	usb_kbd_use_report_protocol(len >= 0 && !strcmp(val, "report"));
	if (len == -ENOENT)
		return;
	if (len < 0 || (strcmp(val, "report") && strcmp(val, "boot")))
		printk(KERN_WARN "usb: usb.kbd=%s not understood (boot or report): boot protocol first\n",
		       len < 0 ? "(too long)" : val);
}

/* usb=off: the USB stack stays out of the way, every controller left as firmware left it
 * (no handoff, no reset, no bus mastering): for a board that hangs at the handoff (some
 * AMD boards with CSM froze at the OS Owned write, USB-FACTS), whose firmware then goes on
 * emulating a PS/2 keyboard through its SMM handler. Anything else is said and ignored. */
static bool usb_turned_off(void)
{
	char v[8];
	int len = cmdline_value("usb", v, sizeof(v));

	if (len == -ENOENT)
		return false;
	if (len >= 0 && !strcmp(v, "off"))
		return true;
	printk(KERN_WARN "usb: usb=%s not understood (off): USB on\n", len < 0 ? "(too long)" : v);
	return false;
}

/* Whether a pending takeover waits for its BIOS to hand the controller over. Boot. */
static bool bios_handoff_pending(void)
{
	for (const struct xhci *hc = usb_pending; hc; hc = hc->next)
		if (hc->takeover == XHCI_TAKEOVER_BIOS)
			return true;
	return false;
}

/*
 * main.c probes the 8042 right after usb_init: a BIOS still emulating a PS/2 keyboard
 * through one of its controllers (SMM "legacy USB support") would answer that probe, take
 * the configuration meant for a real 8042 behind it, then vanish at its handoff. So the
 * BIOS handoffs, unlike Controller Not Ready and slow resets, are waited for here, all at
 * once, each within its own 1 s (then overruled, as always), stepping the pending
 * takeovers as the tick will. (A controller still Not Ready is no BIOS's to emulate with:
 * it is left to the tick.) Boot, before the tick hook.
 */
static void bios_handoffs_wait(void)
{
	uint64_t dl = deadline_us(BIOS_HANDOFF_BOUND_US);

	while (bios_handoff_pending() && !deadline_passed(dl)) {
		udelay(50);
		takeovers_tick();
	}
}

/* Whether a takeover still waits (usb_pending). Thread context. */
static bool takeovers_pending(void)
{
	uint64_t flags = arch_irq_save();
	bool pending = usb_pending != NULL;

	arch_irq_restore(flags);
	return pending;
}

/*
 * usb_init - take over and start every xHCI controller, then let the tick drive them. A
 * controller that is not ready at once (Controller Not Ready, its BIOS slow to hand it
 * over, a slow halt or reset) is taken over from the tick instead, and comes up (or is
 * skipped) there: nothing here waits for it. Returns the number started by then. Boot,
 * after pci_init and timer_init.
 */
int usb_init(void)
{
	struct pci_dev *pd = NULL;
	int err;

	kbd_protocol_from_cmdline();
	if (usb_turned_off()) {
		controllers_left = 0;
		while ((pd = pci_find_class(PCI_CLASS_SERIAL_BUS, PCI_SUBCLASS_USB, PCI_PROG_IF_XHCI, pd)))
			controllers_left++;
		printk("usb: off (usb=off): %d xHCI controller%s left as firmware left %s\n",
		       controllers_left, controllers_left == 1 ? "" : "s",
		       controllers_left == 1 ? "it" : "them");
		return 0;
	}
	while ((pd = pci_find_class(PCI_CLASS_SERIAL_BUS, PCI_SUBCLASS_USB, PCI_PROG_IF_XHCI, pd)))
		probe(pd);
	bios_handoffs_wait();
	if (!controller_count && !usb_pending) {
		say_none();
		return 0;
	}
	err = timer_add_tick_hook(usb_tick);
	if (err) {
		printk(KERN_ERR "usb: no tick hook (%d): USB devices will not be seen\n", err);
		takeovers_finish();
	}
	/* Self-tests count heap allocations and must not race enumeration: only then does
	 * boot wait for the controllers still being taken over and the devices present now
	 * (bounded), and count them for the self-test that checks none came later. A normal
	 * boot never waits. */
	if (!err && cmdline_has("selftest")) {
		for (unsigned int ms = 0; takeovers_pending() && ms < TAKEOVER_FOR_SELFTEST_MS; ms += SETTLE_POLL_MS)
			timer_sleep_ms(SETTLE_POLL_MS);
		if (!usb_wait_settled(SETTLE_FOR_SELFTEST_MS))
			printk(KERN_WARN "usb: devices still enumerating after %u ms\n", SETTLE_FOR_SELFTEST_MS);
		usb_boot_devices = usb_live_devices();
		usb_boot_waited = true;
	}
	return controller_count;
}

/* usb_print - the `usb` command's listing (see usb.h). Thread context. */
void usb_print(void)
{
	uint64_t flags;

	flags = arch_irq_save(); /* the tick changes what is listed */
	if (!usb_controllers && !usb_pending) {
		arch_irq_restore(flags);
		if (controllers_left >= 0)
			printk("usb: off (usb=off): %d xHCI controller%s left to the firmware\n",
			       controllers_left, controllers_left == 1 ? "" : "s");
		else
			printk("usb: no xHCI controller\n");
		return;
	}
	for (struct xhci *hc = usb_pending; hc; hc = hc->next)
		printk("%s %04x:%04x: taking it over for %lu ms: %s\n", hc->name, hc->vendor, hc->device,
		       (unsigned long)((usb_now_us() - hc->takeover_us) / 1000), xhci_takeover_waiting(hc));
	for (struct xhci *hc = usb_controllers; hc; hc = hc->next) {
		printk("%s %04x:%04x: %u ports, %u slots, %u-byte contexts, %u scratchpads%s\n", hc->name,
		       hc->vendor, hc->device, hc->max_ports, hc->max_slots, hc->ctx_size, hc->scratchpads,
		       hc->recovery != XHCI_RECOVERY_NONE ? ", RESETTING after an error"
		       : hc->dead                         ? ", STOPPED"
							  : "");
		if (hc->recoveries)
			printk("  reset %u time%s after a controller error\n", hc->recoveries,
			       hc->recoveries == 1 ? "" : "s");
		if (hc->irq_kind)
			printk("  %s vector %d: %lu interrupts, events %lu by interrupt, %lu by tick\n", hc->irq_kind,
			       hc->irq_vector, (unsigned long)hc->irqs, (unsigned long)hc->irq_events,
			       (unsigned long)hc->tick_events);
		else
			printk("  polled: events %lu by tick\n", (unsigned long)hc->tick_events);
		if (hc->routed != XHCI_ROUTE_NOT_SHARED)
			printk("  ports shared with EHCI: on xHCI USB 3 %#x of %#x, USB 2 %#x of %#x\n",
			       hc->route.usb3_after, hc->route.usb3_mask, hc->route.usb2_after, hc->route.usb2_mask);
		for (unsigned int p = 1; p <= hc->max_ports; p++) {
			const struct xhci_port *pt = &hc->port[p];

			printk("  port %-2u USB %u  %s%s%s\n", p, pt->major ? pt->major : 2,
			       xhci_port_state_name(pt->state), pt->dev ? " " : "", pt->dev ? pt->dev->name : "");
		}
	}
	/* every device the stack holds, with a driver or without one (left alone), or on its
	 * way in or out, hub ports under their hub, then what was refused (usb_list.c) */
	usb_list_devices(usb_controllers);
	arch_irq_restore(flags);
}
