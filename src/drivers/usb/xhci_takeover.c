// SPDX-License-Identifier: MIT
/*
 * xHCI controller takeover (xHCI 1.2 sections 4.22.1 and 5.4): makes a controller ours
 * whatever firmware left behind, before xhci.c's setup. The USB Legacy Support capability
 * is claimed (OS Owned set with a byte write, BIOS Owned awaited for 1 s and, if the BIOS
 * does not let go, cleared by us), its SMIs are disabled, the controller is stopped
 * (SeaBIOS leaves it running with its own transfers queued) and reset (OVMF leaves it
 * halted with pointers into freed memory).
 *
 * The takeover is a small state machine (hc->takeover: Controller Not Ready, BIOS handoff,
 * halt, reset), so that no wait holds the boot: xhci_takeover_begin checks the registers at
 * once, xhci_takeover_step goes on as far as it can without waiting, and usb.c calls it
 * again from the tick while a controller is slow; xhci_takeover runs it all at once for the
 * host tests. Every wait is a deadline from <lios/time.h>, and every failure says which
 * wait. Nothing is read past the mapped BAR (hc->mmio_size): the operational, runtime and
 * doorbell offsets and every extended capability are checked against it first, and a
 * controller whose registers point outside is refused (a corrupt capability list would read
 * past the mapping and fault).
 */
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/time.h>
#include "usb_internal.h"

#define CNR_TIMEOUT_US 5000000     /* controller not ready: Linux allows 5 s */
#define BIOS_HANDOFF_US 1000000
#define XECP_MAX 64                /* extended capabilities walked at most */
#define XHCI_CAP_REGS 0x20         /* the capability registers read before anything else */
#define XHCI_OP_REGS 0x400         /* operational registers before the port register sets */
#define XHCI_PORT_REGS 0x10        /* one port's register set */
#define XHCI_IR_REGS 0x20          /* one interrupter's register set */
#define XHCI_LEGSUP_LEN 8          /* USBLEGSUP and USBLEGCTLSTS */
#define XHCI_PROTO_LEN 12          /* the Supported Protocol dwords read: 0 to 2 */

static void say(char *why, size_t n, const char *s) { lios_strlcpy(why, s, n); }

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
	hc->takeover_deadline = deadline_us(XHCI_HALT_TIMEOUT_US);
	hc->takeover = XHCI_TAKEOVER_HALT;
}

/* HCRST written; the controller is left untouched for XHCI_RESET_SETTLE_US, then its end awaited. */
static void reset_begin(struct xhci *hc)
{
	xhci_write(hc, hc->op + XHCI_USBCMD, XHCI_CMD_HCRST);
	hc->takeover_settle = deadline_us(XHCI_RESET_SETTLE_US);
	hc->takeover_deadline = deadline_us(XHCI_TAKEOVER_RESET_TIMEOUT_US);
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
 * 1 ms, then HCRST and CNR awaited, 10 s). Each call looks at the register awaited once.
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
				return takeover_failed(hc, why, n, "controller reset did not finish in 10 s");
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
 * halt or a reset under way is awaited to its own deadline, a reset for 1 s more at most
 * (a reset is never left before that): 0 once halted (a reset, when one ran, finished),
 * else -EIO with why. 0 without a takeover. Interrupts off; busy-waits (1 s at most).
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
		if (!xhci_wait_until(hc, hc->op + XHCI_USBSTS, XHCI_STS_HCH, XHCI_STS_HCH, hc->takeover_deadline))
			return takeover_failed(hc, why, n, "controller did not halt in 32 ms");
		return 0;
	case XHCI_TAKEOVER_RESET: {
		/* the reset's own 10 s deadline, but no more than 1 s from here: a reboot does
		 * not wait 10 s for a controller that may never finish */
		uint64_t dl = MIN(hc->takeover_deadline, deadline_us(XHCI_RESET_TIMEOUT_US));

		while (!deadline_passed(hc->takeover_settle))
			udelay(50);
		if (!xhci_wait_until(hc, hc->op + XHCI_USBCMD, XHCI_CMD_HCRST, 0, dl) ||
		    !xhci_wait_until(hc, hc->op + XHCI_USBSTS, XHCI_STS_CNR, 0, dl))
			return takeover_failed(hc, why, n, "controller reset still running");
		return 0;
	}
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
