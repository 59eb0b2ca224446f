// SPDX-License-Identifier: MIT
/*
 * xHCI controller setup, stop and the register primitives (xHCI 1.2 sections 4.2 and 5);
 * the takeover from firmware that comes before setup is xhci_takeover.c. Setup gives a
 * controller fresh memory: the device context base address array, scratchpad buffers when
 * it asks for them, the command ring and one event ring, and starts it with interrupts off
 * (usb.c then enables MSI-X or MSI when it can and says why the tick polls the event ring in
 * any case). All controller memory comes from kmalloc (physically contiguous and below
 * 2 GiB, so any controller can reach it, AC64 or not); whole pages, so contexts and rings
 * are 64-byte aligned and never cross a page (or a 64 KiB boundary). Register access goes
 * through hc->mmio, aligned 32-bit only, 64-bit registers low dword first, and never past
 * the mapped BAR (hc->mmio_size, which the takeover checked every register block against).
 * Every wait is a deadline from <lios/time.h>, and every failure says which wait.
 */
#include <lios/errno.h>
#include <lios/kmalloc.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/time.h>
#include "usb_internal.h"

#define PAGE 4096

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

/* xhci_wait_until - see usb_internal.h. */
bool xhci_wait_until(struct xhci *hc, uint32_t off, uint32_t mask, uint32_t want, uint64_t dl)
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

/* xhci_wait_reg - see usb_internal.h. */
bool xhci_wait_reg(struct xhci *hc, uint32_t off, uint32_t mask, uint32_t want, uint64_t us)
{
	return xhci_wait_until(hc, off, mask, want, deadline_us(us));
}

/* xhci_halt_and_reset - see usb_internal.h. */
int xhci_halt_and_reset(struct xhci *hc, bool reset, char *why, size_t n)
{
	xhci_write(hc, hc->op + XHCI_USBCMD, xhci_read(hc, hc->op + XHCI_USBCMD) & ~(XHCI_CMD_RUN | XHCI_CMD_INTE));
	if (!xhci_wait_reg(hc, hc->op + XHCI_USBSTS, XHCI_STS_HCH, XHCI_STS_HCH, XHCI_HALT_TIMEOUT_US)) {
		say(why, n, "controller did not halt in 32 ms");
		return -EIO;
	}
	if (!reset)
		return 0;
	xhci_write(hc, hc->op + XHCI_USBCMD, XHCI_CMD_HCRST);
	udelay(XHCI_RESET_SETTLE_US);
	if (!xhci_wait_reg(hc, hc->op + XHCI_USBCMD, XHCI_CMD_HCRST, 0, XHCI_RESET_TIMEOUT_US) ||
	    !xhci_wait_reg(hc, hc->op + XHCI_USBSTS, XHCI_STS_CNR, 0, XHCI_RESET_TIMEOUT_US)) {
		say(why, n, "controller reset did not finish in 1 s");
		return -EIO;
	}
	return 0;
}

/*
 * xhci_abandon - hc's takeover or setup failed: stop it all the same, so that a controller
 * firmware left running, or one we started, does not go on into memory that firmware
 * reuses after a warm reboot. Interrupter 0 off, Run/Stop cleared, HCHalted awaited (32
 * ms), when xhci_takeover_begin found the registers sane and Controller Not Ready is
 * clear; else nothing is touched (xHCI 4.2: no operational register but USBSTS may be
 * written while CNR is set, and a controller that never became ready, "not ready after 5
 * s", may be one whose firmware is still loading or that is wedged). Returns 0 when
 * halted, -EBUSY when CNR kept it from being touched, -EIO otherwise (for either, the
 * caller's clearing of bus mastering is all that stops it). Its memory is left as it is:
 * it may still point there. Boot or tick (a takeover that failed there); busy-waits.
 */
int xhci_abandon(struct xhci *hc)
{
	char why[48];
	uint32_t sts;

	if (!hc->op)
		return -EIO;
	sts = xhci_read(hc, hc->op + XHCI_USBSTS);
	if (sts != 0xffffffffu && (sts & XHCI_STS_CNR))
		return -EBUSY;
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
	return xhci_halt_and_reset(hc, reset, why, n);
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
	if (!xhci_wait_reg(hc, hc->op + XHCI_USBSTS, XHCI_STS_HCH, 0, XHCI_HALT_TIMEOUT_US)) {
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
