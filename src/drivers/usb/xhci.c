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
 * Every wait is a deadline from <lios/time.h>, and every failure says which wait. All
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

/* Poll register off until (value & mask) == want or the deadline passes. */
static bool wait_reg(struct xhci *hc, uint32_t off, uint32_t mask, uint32_t want, uint64_t us)
{
	uint64_t dl = deadline_us(us);

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

/* Claim the controller from SMM firmware (7.1). Never fails: a BIOS that does not answer is
 * overruled, as Linux does, with a warning. */
static void bios_handoff(struct xhci *hc)
{
	uint32_t off = find_xcap(hc, 0, XHCI_XCAP_LEGACY);
	uint32_t v;

	if (!off)
		return;
	v = xhci_read(hc, off);
	if (v & XHCI_LEGSUP_BIOS_OWNED) {
		/* the OS Owned byte alone: a dword write can rewrite BIOS Owned on some parts */
		hc->mmio->write8(hc->mmio->ctx, off + XHCI_LEGSUP_OS_OWNED_BYTE, 1);
		if (!wait_reg(hc, off, XHCI_LEGSUP_BIOS_OWNED, 0, BIOS_HANDOFF_US)) {
			printk(KERN_WARN "usb: %s: BIOS kept the controller for 1 s, taking it\n", hc->name);
			v = xhci_read(hc, off);
			xhci_write(hc, off, (v & ~XHCI_LEGSUP_BIOS_OWNED) | XHCI_LEGSUP_OS_OWNED);
		} else {
			printk(KERN_INFO "usb: %s: BIOS handed the controller over\n", hc->name);
		}
	} else if (!(v & XHCI_LEGSUP_OS_OWNED)) {
		hc->mmio->write8(hc->mmio->ctx, off + XHCI_LEGSUP_OS_OWNED_BYTE, 1);
	}
	/* no more SMIs: clear the enables, acknowledge the pending RW1C events */
	v = xhci_read(hc, off + XHCI_LEGCTLSTS);
	xhci_write(hc, off + XHCI_LEGCTLSTS, (v & ~XHCI_LEGCTLSTS_SMI_ENABLES) | XHCI_LEGCTLSTS_SMI_EVENTS);
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
	udelay(1000); /* some Intel parts hang when touched within 1 ms of HCRST */
	if (!wait_reg(hc, hc->op + XHCI_USBCMD, XHCI_CMD_HCRST, 0, RESET_TIMEOUT_US) ||
	    !wait_reg(hc, hc->op + XHCI_USBSTS, XHCI_STS_CNR, 0, RESET_TIMEOUT_US)) {
		say(why, n, "controller reset did not finish in 1 s");
		return -EIO;
	}
	return 0;
}

/*
 * xhci_takeover - read the capabilities, claim the controller from firmware, stop and reset
 * it. Returns 0, or -EIO / -ENODEV with why filled ("not ready after 5 s", ...); -ENODEV
 * means the registers themselves make no sense, and leaves hc->op 0 (xhci_abandon then
 * touches none). Boot (it busy-waits, up to seconds on broken hardware).
 */
int xhci_takeover(struct xhci *hc, char *why, size_t n)
{
	uint32_t cap0, hcs1;

	hc->op = 0;
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

	if (!wait_reg(hc, hc->op + XHCI_USBSTS, XHCI_STS_CNR, 0, CNR_TIMEOUT_US)) {
		say(why, n, "controller not ready after 5 s");
		return -EIO;
	}
	bios_handoff(hc);
	return halt_and_reset(hc, true, why, n);
refuse:
	hc->op = 0;
	return -ENODEV;
}

/*
 * xhci_abandon - hc's takeover or setup failed: stop it all the same, so that a controller
 * firmware left running, or one we started, does not go on into memory that firmware
 * reuses after a warm reboot. Interrupter 0 off, Run/Stop cleared, HCHalted awaited (32
 * ms), when xhci_takeover found the registers sane; else nothing is touched. Returns 0 when
 * halted, -EIO otherwise (the caller's clearing of bus mastering is then all that stops
 * it). Its memory is left as it is: it may still point there. Boot; busy-waits.
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
 * xhci_setup - after xhci_takeover: context size, page size, DCBAA, scratchpads, command
 * ring, event ring on interrupter 0, then Run. Returns 0 or -ENOMEM / -EIO / -ENOTSUP with
 * why filled. Memory is not given back on failure (the controller may still hold it).
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
