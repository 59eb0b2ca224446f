// SPDX-License-Identifier: MIT
/*
 * xHCI controller takeover and setup (xHCI 1.2 sections 4.2, 4.22.1 and 5). Takeover makes
 * a controller ours whatever firmware left behind: the USB Legacy Support capability is
 * claimed (OS Owned set with a byte write, BIOS Owned awaited for 1 s and, if the BIOS
 * does not let go, cleared by us), its SMIs are disabled, the controller is stopped (SeaBIOS
 * leaves it running with its own transfers queued) and reset (OVMF leaves it halted with
 * pointers into freed memory). Setup then gives it fresh memory: the device context base
 * address array, scratchpad buffers when it asks for them, the command ring and one event
 * ring, and starts it with interrupts off (usb.c then enables MSI-X or MSI when it can and
 * says why the tick polls the event ring in any case).
 *
 * The takeover is a small state machine (hc->takeover: Controller Not Ready, BIOS handoff,
 * halt, reset), so that no wait holds the boot: xhci_takeover_begin checks the registers at
 * once, xhci_takeover_step goes on as far as it can without waiting, and usb.c calls it
 * again from the tick while a controller is slow; xhci_takeover runs it all at once for the
 * host tests. Every wait is a deadline from <lios/time.h>, and every failure says which
 * wait. All
 * controller memory comes from kmalloc (physically contiguous and below 2 GiB, so any
 * controller can reach it, AC64 or not); whole pages, so contexts and rings are 64-byte
 * aligned and never cross a page (or a 64 KiB boundary). Register access goes through
 * hc->mmio, aligned 32-bit only, 64-bit registers low dword first, and never past the
 * mapped BAR (hc->mmio_size): the takeover checks the operational, runtime and doorbell
 * offsets and every extended capability against it first, and refuses a controller whose
 * registers point outside (a corrupt capability list would read past the mapping and fault).
 */
#include <lios/errno.h>
#include <lios/kmalloc.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/time.h>
#include "usb_internal.h"

#define PAGE 4096
#define CNR_TIMEOUT_US 5000000     /* controller not ready: Linux allows 5 s */
#define HALT_TIMEOUT_US 32000      /* 16 ms in the spec; Linux waits 32 */
#define RESET_TIMEOUT_US 1000000
#define RESET_SETTLE_US 1000       /* some Intel parts hang when touched within 1 ms of HCRST */
#define BIOS_HANDOFF_US 1000000
#define XECP_MAX 64                /* extended capabilities walked at most */
#define XHCI_CAP_REGS 0x20         /* the capability registers read before anything else */
#define XHCI_OP_REGS 0x400         /* operational registers before the port register sets */
#define XHCI_PORT_REGS 0x10        /* one port's register set */
#define XHCI_IR_REGS 0x20          /* one interrupter's register set */
#define XHCI_LEGSUP_LEN 8          /* USBLEGSUP and USBLEGCTLSTS */
#define XHCI_PROTO_LEN 12          /* the Supported Protocol dwords read: 0 to 2 */

uint32_t xhci_read(struct xhci *hc, uint32_t off) { return hc->mmio->read32(hc->mmio->ctx, off); }
void xhci_write(struct xhci *hc, uint32_t off, uint32_t v) { hc->mmio->write32(hc->mmio->ctx, off, v); }

/* xhci_write64 - a 64-bit register as two dwords, low first (QEMU acts on the high one). */
void xhci_write64(struct xhci *hc, uint32_t off, uint64_t v)
{
	xhci_write(hc, off, (uint32_t)v);
	xhci_write(hc, off + 4, (uint32_t)(v >> 32));
}

/* xhci_ctx - entry index of a device or input context (ctx_size bytes each). */
void *xhci_ctx(struct xhci *hc, void *ctx, unsigned int index)
{
	return (uint8_t *)ctx + index * hc->ctx_size;
}

static void say(char *why, size_t n, const char *s) { lios_strlcpy(why, s, n); }

/* Poll register off until (value & mask) == want or deadline dl (deadline_us) passes. */
static bool wait_until(struct xhci *hc, uint32_t off, uint32_t mask, uint32_t want, uint64_t dl)
{
	for (;;) {
		uint32_t v = xhci_read(hc, off);

		if (v == 0xffffffffu)
			return false; /* the device is gone from the bus */
		if ((v & mask) == want)
			return true;
		if (deadline_passed(dl))
			return false;
		udelay(50);
	}
}

/* Poll register off until (value & mask) == want, us microseconds at most. */
static bool wait_reg(struct xhci *hc, uint32_t off, uint32_t mask, uint32_t want, uint64_t us)
{
	return wait_until(hc, off, mask, want, deadline_us(us));
}

/* Whether the register block [off, off + len) lies inside the mapped BAR. */
static bool in_bar(const struct xhci *hc, uint64_t off, uint64_t len)
{
	return off <= hc->mmio_size && len <= hc->mmio_size - off;
}

/* Bytes of an extended capability with this id that the driver reads. */
static uint32_t xcap_len(uint8_t id)
{
	return id == XHCI_XCAP_LEGACY ? XHCI_LEGSUP_LEN : id == XHCI_XCAP_PROTOCOL ? XHCI_PROTO_LEN : 4;
}

/* The extended capability list: offset of the first with this id after 'after' (0 from the
 * start), 0 when none. Bounded against loops and against the BAR (check_xcaps has refused a
 * list that leaves it; the bound stays as a second line). */
static uint32_t find_xcap(struct xhci *hc, uint32_t after, uint8_t id)
{
	uint32_t off = XHCI_HCC1_XECP(xhci_read(hc, XHCI_HCCPARAMS1)) * 4;
	bool past = after == 0;

	for (int i = 0; off && i < XECP_MAX && in_bar(hc, off, xcap_len(id)); i++) {
		uint32_t v = xhci_read(hc, off);
		uint32_t next = XHCI_XCAP_NEXT(v) * 4;

		if (past && XHCI_XCAP_ID(v) == id)
			return off;
		if (off == after)
			past = true;
		if (!next)
			break;
		off += next;
	}
	return 0;
}

/* Every extended capability (the first XECP_MAX) inside the BAR, with the bytes the driver
 * reads of it; 0, or -ENODEV with why filled. */
static int check_xcaps(struct xhci *hc, char *why, size_t n)
{
	uint32_t off = XHCI_HCC1_XECP(xhci_read(hc, XHCI_HCCPARAMS1)) * 4;

	for (int i = 0; off && i < XECP_MAX; i++) {
		uint32_t v;

		if (!in_bar(hc, off, 4))
			goto outside;
		v = xhci_read(hc, off);
		if (!in_bar(hc, off, xcap_len(XHCI_XCAP_ID(v))))
			goto outside;
		if (!XHCI_XCAP_NEXT(v))
			break;
		off += XHCI_XCAP_NEXT(v) * 4;
	}
	return 0;
outside:
	ksnprintf(why, n, "extended capability at %#x lies outside the %#llx-byte BAR", off,
		  (unsigned long long)hc->mmio_size);
	return -ENODEV;
}

/* Which ports are USB 2 and which USB 3 (Supported Protocol capabilities, 7.2). */
static void read_protocols(struct xhci *hc)
{
	uint32_t off = 0;

	for (int i = 0; i < XECP_MAX && (off = find_xcap(hc, off, XHCI_XCAP_PROTOCOL)); i++) {
		uint8_t major = (uint8_t)XHCI_PROTO_MAJOR(xhci_read(hc, off));
		uint32_t d2 = xhci_read(hc, off + 8);
		unsigned int first = XHCI_PROTO_PORT_OFFSET(d2), count = XHCI_PROTO_PORT_COUNT(d2);

		for (unsigned int p = first; p < first + count && p <= hc->max_ports; p++)
			if (p >= 1)
				hc->port[p].major = major;
	}
}

/* Stop (Run/Stop and interrupts off, HCHalted awaited), then reset when asked. */
static int halt_and_reset(struct xhci *hc, bool reset, char *why, size_t n)
{
	xhci_write(hc, hc->op + XHCI_USBCMD, xhci_read(hc, hc->op + XHCI_USBCMD) & ~(XHCI_CMD_RUN | XHCI_CMD_INTE));
	if (!wait_reg(hc, hc->op + XHCI_USBSTS, XHCI_STS_HCH, XHCI_STS_HCH, HALT_TIMEOUT_US)) {
		say(why, n, "controller did not halt in 32 ms");
		return -EIO;
	}
	if (!reset)
		return 0;
	xhci_write(hc, hc->op + XHCI_USBCMD, XHCI_CMD_HCRST);
	udelay(RESET_SETTLE_US);
	if (!wait_reg(hc, hc->op + XHCI_USBCMD, XHCI_CMD_HCRST, 0, RESET_TIMEOUT_US) ||
	    !wait_reg(hc, hc->op + XHCI_USBSTS, XHCI_STS_CNR, 0, RESET_TIMEOUT_US)) {
		say(why, n, "controller reset did not finish in 1 s");
		return -EIO;
	}
	return 0;
}

/*
 * xhci_takeover_begin - the takeover's checks, at once: the capabilities read and every
 * register block they place checked against the BAR, the ports' protocols read. Nothing is
 * written. Returns 0 with hc->takeover at XHCI_TAKEOVER_CNR (its 5 s counted from now: go
 * on with xhci_takeover_step), or -ENODEV with why filled when the registers themselves
 * make no sense; hc->op is then 0 (xhci_abandon touches none). Any context.
 */
int xhci_takeover_begin(struct xhci *hc, char *why, size_t n)
{
	uint32_t cap0, hcs1;

	hc->op = 0;
	hc->takeover = XHCI_TAKEOVER_NONE;
	if (!in_bar(hc, 0, XHCI_CAP_REGS)) {
		ksnprintf(why, n, "a %#llx-byte BAR cannot hold the registers", (unsigned long long)hc->mmio_size);
		return -ENODEV;
	}
	cap0 = xhci_read(hc, XHCI_CAPLENGTH);
	hcs1 = xhci_read(hc, XHCI_HCSPARAMS1);
	if (cap0 == 0xffffffffu) {
		say(why, n, "registers read all ones");
		return -ENODEV;
	}
	hc->op = cap0 & 0xff;
	hc->hci_version = (uint16_t)(cap0 >> 16);
	hc->rt = xhci_read(hc, XHCI_RTSOFF) & ~0x1fu;
	hc->db = xhci_read(hc, XHCI_DBOFF) & ~0x3u;
	hc->max_slots = (uint8_t)XHCI_HCS1_MAX_SLOTS(hcs1);
	hc->max_ports = (uint8_t)MIN(XHCI_HCS1_MAX_PORTS(hcs1), (uint32_t)XHCI_MAX_PORTS);
	if (hc->op < 0x20 || !hc->max_slots || !hc->max_ports || !hc->rt || !hc->db) {
		say(why, n, "capability registers make no sense");
		goto refuse;
	}
	if (!in_bar(hc, hc->op, XHCI_OP_REGS + XHCI_PORT_REGS * hc->max_ports) ||
	    !in_bar(hc, hc->rt, XHCI_IR(0) + XHCI_IR_REGS) || !in_bar(hc, hc->db, 4u * (hc->max_slots + 1u))) {
		ksnprintf(why, n, "operational, runtime or doorbell registers outside the %#llx-byte BAR",
			  (unsigned long long)hc->mmio_size);
		goto refuse;
	}
	if (check_xcaps(hc, why, n))
		goto refuse;
	read_protocols(hc);
	hc->takeover = XHCI_TAKEOVER_CNR;
	hc->takeover_deadline = deadline_us(CNR_TIMEOUT_US);
	return 0;
refuse:
	hc->op = 0;
	return -ENODEV;
}

/* Run/Stop and interrupts off; HCHalted awaited from now. */
static void halt_begin(struct xhci *hc)
{
	xhci_write(hc, hc->op + XHCI_USBCMD, xhci_read(hc, hc->op + XHCI_USBCMD) & ~(XHCI_CMD_RUN | XHCI_CMD_INTE));
	hc->takeover_deadline = deadline_us(HALT_TIMEOUT_US);
	hc->takeover = XHCI_TAKEOVER_HALT;
}

/* HCRST written; the controller is left untouched for RESET_SETTLE_US, then its end awaited. */
static void reset_begin(struct xhci *hc)
{
	xhci_write(hc, hc->op + XHCI_USBCMD, XHCI_CMD_HCRST);
	hc->takeover_settle = deadline_us(RESET_SETTLE_US);
	hc->takeover_deadline = deadline_us(RESET_TIMEOUT_US);
	hc->takeover = XHCI_TAKEOVER_RESET;
}

/* No more SMIs from the legacy support capability: enables cleared, pending events
 * acknowledged (RW1C). Then the halt. */
static void smis_off_then_halt(struct xhci *hc)
{
	uint32_t v = xhci_read(hc, hc->legsup + XHCI_LEGCTLSTS);

	xhci_write(hc, hc->legsup + XHCI_LEGCTLSTS, (v & ~XHCI_LEGCTLSTS_SMI_ENABLES) | XHCI_LEGCTLSTS_SMI_EVENTS);
	halt_begin(hc);
}

/* Ask SMM firmware for the controller (7.1): OS Owned set, with a byte write alone (a dword
 * write can rewrite BIOS Owned on some parts). A BIOS that owns it is then awaited, 1 s
 * from now; without one, or without the capability, straight on. */
static void claim(struct xhci *hc)
{
	uint32_t v;

	hc->legsup = find_xcap(hc, 0, XHCI_XCAP_LEGACY);
	if (!hc->legsup) {
		halt_begin(hc);
		return;
	}
	v = xhci_read(hc, hc->legsup);
	if (v & XHCI_LEGSUP_BIOS_OWNED) {
		hc->mmio->write8(hc->mmio->ctx, hc->legsup + XHCI_LEGSUP_OS_OWNED_BYTE, 1);
		hc->takeover_deadline = deadline_us(BIOS_HANDOFF_US);
		hc->takeover = XHCI_TAKEOVER_BIOS;
		return;
	}
	if (!(v & XHCI_LEGSUP_OS_OWNED))
		hc->mmio->write8(hc->mmio->ctx, hc->legsup + XHCI_LEGSUP_OS_OWNED_BYTE, 1);
	smis_off_then_halt(hc);
}

/* The BIOS let go, or did not within 1 s (or the capability reads all ones): then it is
 * overruled, as Linux does, with a warning. Never fails. */
static void bios_step(struct xhci *hc, uint32_t legsup)
{
	if (legsup != 0xffffffffu && !(legsup & XHCI_LEGSUP_BIOS_OWNED)) {
		printk(KERN_INFO "usb: %s: BIOS handed the controller over\n", hc->name);
	} else {
		printk(KERN_WARN "usb: %s: BIOS kept the controller for 1 s, taking it\n", hc->name);
		legsup = xhci_read(hc, hc->legsup);
		xhci_write(hc, hc->legsup, (legsup & ~XHCI_LEGSUP_BIOS_OWNED) | XHCI_LEGSUP_OS_OWNED);
	}
	smis_off_then_halt(hc);
}

static int takeover_failed(struct xhci *hc, char *why, size_t n, const char *what)
{
	say(why, n, what);
	hc->takeover = XHCI_TAKEOVER_NONE;
	return -EIO;
}

/*
 * xhci_takeover_step - after xhci_takeover_begin: go on with the takeover as far as it can
 * without waiting, in the specification's order: Controller Not Ready awaited (5 s from the
 * begin), the controller claimed from SMM firmware (a BIOS that keeps it 1 s is overruled),
 * its SMIs disabled, the controller halted (SeaBIOS leaves it running with its own
 * transfers queued: 32 ms) and reset (OVMF leaves pointers into freed memory: untouched for
 * 1 ms, then HCRST and CNR awaited, 1 s). Each call looks at the register awaited once.
 * Returns 0 when taken (halted and reset: xhci_setup next), -EINPROGRESS while a wait goes
 * on (call again later; nothing spins here), or -EIO with why filled ("controller not ready
 * after 5 s", ...), hc->takeover then XHCI_TAKEOVER_NONE. A register reading all ones ends
 * the wait it is in at once, as its deadline would. Boot or tick context.
 */
int xhci_takeover_step(struct xhci *hc, char *why, size_t n)
{
	uint32_t v, sts;

	for (;;) {
		switch (hc->takeover) {
		case XHCI_TAKEOVER_NONE:
			return 0;
		case XHCI_TAKEOVER_CNR:
			v = xhci_read(hc, hc->op + XHCI_USBSTS);
			if (v != 0xffffffffu && !(v & XHCI_STS_CNR)) {
				claim(hc);
				break;
			}
			if (v == 0xffffffffu || deadline_passed(hc->takeover_deadline))
				return takeover_failed(hc, why, n, "controller not ready after 5 s");
			return -EINPROGRESS;
		case XHCI_TAKEOVER_BIOS:
			v = xhci_read(hc, hc->legsup);
			if (v != 0xffffffffu && (v & XHCI_LEGSUP_BIOS_OWNED) &&
			    !deadline_passed(hc->takeover_deadline))
				return -EINPROGRESS;
			bios_step(hc, v);
			break;
		case XHCI_TAKEOVER_HALT:
			v = xhci_read(hc, hc->op + XHCI_USBSTS);
			if (v != 0xffffffffu && (v & XHCI_STS_HCH)) {
				reset_begin(hc);
				break;
			}
			if (v == 0xffffffffu || deadline_passed(hc->takeover_deadline))
				return takeover_failed(hc, why, n, "controller did not halt in 32 ms");
			return -EINPROGRESS;
		case XHCI_TAKEOVER_RESET:
			if (!deadline_passed(hc->takeover_settle))
				return -EINPROGRESS;
			v = xhci_read(hc, hc->op + XHCI_USBCMD);
			sts = v == 0xffffffffu || (v & XHCI_CMD_HCRST) ? 0 : xhci_read(hc, hc->op + XHCI_USBSTS);
			if (v != 0xffffffffu && !(v & XHCI_CMD_HCRST) && sts != 0xffffffffu && !(sts & XHCI_STS_CNR)) {
				hc->takeover = XHCI_TAKEOVER_NONE;
				return 0;
			}
			if (v == 0xffffffffu || sts == 0xffffffffu || deadline_passed(hc->takeover_deadline))
				return takeover_failed(hc, why, n, "controller reset did not finish in 1 s");
			return -EINPROGRESS;
		}
	}
}

/*
 * xhci_takeover - the whole takeover at once: xhci_takeover_begin, then its steps, polled
 * until they end (up to seconds on broken hardware). Returns what they return (0, -EIO or
 * -ENODEV, why filled). For the host tests and the fuzzer, which start a controller
 * without a tick; usb.c runs the steps from the tick instead. Busy-waits.
 */
int xhci_takeover(struct xhci *hc, char *why, size_t n)
{
	int err = xhci_takeover_begin(hc, why, n);

	if (err)
		return err;
	while ((err = xhci_takeover_step(hc, why, n)) == -EINPROGRESS)
		udelay(50);
	return err;
}

/*
 * xhci_takeover_cancel - a takeover that has not ended, before a reboot or power-off: it
 * never goes on. Waiting for Controller Not Ready or for the BIOS: nothing is touched (the
 * controller is not ready for a write, or still the BIOS's): -EBUSY, why saying which. A
 * halt or a reset under way is awaited to its own deadline (never left mid-reset): 0 once
 * halted (a reset, when one ran, finished), else -EIO with why. 0 without a takeover.
 * Interrupts off; busy-waits (1 s at most).
 */
int xhci_takeover_cancel(struct xhci *hc, char *why, size_t n)
{
	enum xhci_takeover t = hc->takeover;

	hc->takeover = XHCI_TAKEOVER_NONE;
	switch (t) {
	case XHCI_TAKEOVER_NONE:
		return 0;
	case XHCI_TAKEOVER_CNR:
		say(why, n, "Controller Not Ready still set");
		return -EBUSY;
	case XHCI_TAKEOVER_BIOS:
		say(why, n, "the BIOS still owns it");
		return -EBUSY;
	case XHCI_TAKEOVER_HALT:
		if (!wait_until(hc, hc->op + XHCI_USBSTS, XHCI_STS_HCH, XHCI_STS_HCH, hc->takeover_deadline))
			return takeover_failed(hc, why, n, "controller did not halt in 32 ms");
		return 0;
	case XHCI_TAKEOVER_RESET:
		while (!deadline_passed(hc->takeover_settle))
			udelay(50);
		if (!wait_until(hc, hc->op + XHCI_USBCMD, XHCI_CMD_HCRST, 0, hc->takeover_deadline) ||
		    !wait_until(hc, hc->op + XHCI_USBSTS, XHCI_STS_CNR, 0, hc->takeover_deadline))
			return takeover_failed(hc, why, n, "controller reset did not finish in 1 s");
		return 0;
	}
	return 0;
}

/* xhci_takeover_waiting - what a takeover under way waits for, for `usb`. Any context. */
const char *xhci_takeover_waiting(const struct xhci *hc)
{
	switch (hc->takeover) {
	case XHCI_TAKEOVER_CNR:
		return "waiting for Controller Not Ready to clear";
	case XHCI_TAKEOVER_BIOS:
		return "waiting for the BIOS to hand it over";
	case XHCI_TAKEOVER_HALT:
		return "waiting for it to halt";
	case XHCI_TAKEOVER_RESET:
		return "waiting for its reset to finish";
	case XHCI_TAKEOVER_NONE:
		break;
	}
	return "taken";
}

/*
 * xhci_abandon - hc's takeover or setup failed: stop it all the same, so that a controller
 * firmware left running, or one we started, does not go on into memory that firmware
 * reuses after a warm reboot. Interrupter 0 off, Run/Stop cleared, HCHalted awaited (32
 * ms), when xhci_takeover_begin found the registers sane; else nothing is touched.
 * Returns 0 when halted, -EIO otherwise (the caller's clearing of bus mastering is then all
 * that stops it). Its memory is left as it is: it may still point there. Boot or tick (a
 * takeover that failed there); busy-waits.
 */
int xhci_abandon(struct xhci *hc)
{
	char why[48];

	if (!hc->op)
		return -EIO;
	return xhci_stop(hc, false, why, sizeof(why));
}

/*
 * xhci_stop - end all DMA and interrupts of a running controller before a reboot or
 * power-off: interrupter 0's enable cleared, Run/Stop cleared, HCHalted awaited (32 ms),
 * then a reset when reset is set. Returns 0, or -EIO with why filled. The controller's
 * memory is left as it was (nothing is freed: the machine is going down). Interrupts off;
 * busy-waits.
 */
int xhci_stop(struct xhci *hc, bool reset, char *why, size_t n)
{
	uint32_t ir = hc->rt + XHCI_IR(0);

	xhci_write(hc, ir + XHCI_IMAN, XHCI_IMAN_IP); /* IE off; a pending IP acknowledged (RW1C) */
	return halt_and_reset(hc, reset, why, n);
}

/* A zeroed kmalloc page and its physical address. */
static void *dma_page(uint64_t *phys)
{
	void *p = kzalloc(PAGE);

	*phys = p ? virt_to_phys(p) : 0;
	return p;
}

static int setup_scratchpads(struct xhci *hc)
{
	uint64_t phys = 0;

	if (!hc->scratchpads)
		return 0;
	hc->scratch_array = dma_page(&phys);
	hc->scratch_pages = kzalloc(hc->scratchpads * sizeof(void *));
	if (!hc->scratch_array || !hc->scratch_pages)
		return -ENOMEM;
	hc->dcbaa[0] = phys;
	for (unsigned int i = 0; i < hc->scratchpads; i++) {
		uint64_t pp;
		void *page = kzalloc(hc->page_size);

		if (!page)
			return -ENOMEM;
		pp = virt_to_phys(page);
		if (pp & (hc->page_size - 1))
			return -EINVAL; /* kmalloc aligns to 4 KiB only: larger pages unsupported */
		hc->scratch_pages[i] = page;
		hc->scratch_array[i] = pp;
	}
	return 0;
}

/*
 * xhci_setup - after the takeover (its steps ended in 0): context size, page size, DCBAA,
 * scratchpads, command ring, event ring on interrupter 0, then Run. Returns 0 or -ENOMEM /
 * -EIO / -ENOTSUP with why filled. Memory is not given back on failure (the controller may
 * still hold it).
 */
int xhci_setup(struct xhci *hc, char *why, size_t n)
{
	uint32_t hcc1 = xhci_read(hc, XHCI_HCCPARAMS1);
	uint32_t hcs2 = xhci_read(hc, XHCI_HCSPARAMS2);
	uint32_t pagesize = xhci_read(hc, hc->op + XHCI_PAGESIZE) & 0xffff;
	uint32_t ir = hc->rt + XHCI_IR(0);
	uint64_t phys = 0;

	hc->ctx_size = (hcc1 & XHCI_HCC1_CSZ) ? 64 : 32;
	hc->ac64 = hcc1 & XHCI_HCC1_AC64;
	hc->scratchpads = XHCI_HCS2_SCRATCHPADS(hcs2);
	if (!pagesize) {
		say(why, n, "PAGESIZE is 0");
		return -EIO;
	}
	hc->page_size = 1u << (12 + __builtin_ctz(pagesize)); /* smallest supported */
	if (hc->page_size != PAGE && hc->scratchpads) {
		say(why, n, "scratchpads with a page size other than 4 KiB");
		return -ENOTSUP;
	}
	if (hc->scratchpads > PAGE / 8) {
		say(why, n, "more scratchpads than one array page holds");
		return -ENOTSUP;
	}

	hc->cmd_busy = false;         /* a reset controller runs no command */
	hc->cmd_owner = NULL;
	hc->cmd_aborting = false;
	hc->cmd_ring_stuck = false;
	hc->dcbaa = dma_page(&phys);  /* (255 + 1) x 8 bytes fit one page */
	if (!hc->dcbaa || setup_scratchpads(hc) || xhci_ring_init(&hc->cmd))
		goto nomem;
	xhci_write64(hc, hc->op + XHCI_DCBAAP, phys);
	xhci_write(hc, hc->op + XHCI_CONFIG, hc->max_slots);
	xhci_write64(hc, hc->op + XHCI_CRCR, hc->cmd.phys | XHCI_CRCR_RCS);
	xhci_write(hc, hc->op + XHCI_DNCTRL, 0);

	hc->ev = dma_page(&hc->ev_phys);
	hc->erst = dma_page(&phys);
	if (!hc->ev || !hc->erst)
		goto nomem;
	hc->erst[0] = hc->ev_phys;
	hc->erst[1] = XHCI_EVENT_TRBS;
	hc->ev_deq = 0;
	hc->ev_cycle = 1;
	xhci_write(hc, ir + XHCI_ERSTSZ, 1);
	xhci_write64(hc, ir + XHCI_ERDP, hc->ev_phys);
	xhci_write64(hc, ir + XHCI_ERSTBA, phys); /* last: QEMU resets the ring on this write */
	xhci_write(hc, ir + XHCI_IMOD, 0);
	xhci_write(hc, ir + XHCI_IMAN, XHCI_IMAN_IP); /* acknowledge, IE stays clear: polled */

	xhci_write(hc, hc->op + XHCI_USBCMD, XHCI_CMD_RUN);
	if (!wait_reg(hc, hc->op + XHCI_USBSTS, XHCI_STS_HCH, 0, HALT_TIMEOUT_US)) {
		say(why, n, "controller did not start in 32 ms");
		return -EIO;
	}
	return 0;
nomem:
	say(why, n, "out of kmalloc memory");
	return -ENOMEM;
}

/*
 * xhci_free_memory - give back what xhci_setup allocated (DCBAA, scratchpads, command and
 * event rings), only once the controller was reset and no longer points into it (a
 * recovery, xhci_health.c). Tick context.
 */
void xhci_free_memory(struct xhci *hc)
{
	for (unsigned int i = 0; hc->scratch_pages && i < hc->scratchpads; i++)
		kfree(hc->scratch_pages[i]);
	kfree(hc->scratch_pages);
	kfree(hc->scratch_array);
	kfree(hc->dcbaa);
	kfree(hc->ev);
	kfree(hc->erst);
	if (hc->cmd.trb)
		xhci_ring_free(&hc->cmd);
	hc->scratch_pages = NULL;
	hc->scratch_array = NULL;
	hc->dcbaa = NULL;
	hc->ev = NULL;
	hc->erst = NULL;
}

/*
 * xhci_irq_on - interrupter 0 raises an interrupt on every event (moderated to one per
 * 40 us) and the controller signals it: after usb.c enabled MSI-X or MSI, and again after
 * a recovery's reset. Tick context or boot.
 */
void xhci_irq_on(struct xhci *hc)
{
	uint32_t ir = hc->rt + XHCI_IR(0);

	xhci_write(hc, ir + XHCI_IMOD, XHCI_IMOD_INTERVAL_40US);
	xhci_write(hc, ir + XHCI_IMAN, XHCI_IMAN_IP | XHCI_IMAN_IE);
	xhci_write(hc, hc->op + XHCI_USBCMD, xhci_read(hc, hc->op + XHCI_USBCMD) | XHCI_CMD_INTE);
}
