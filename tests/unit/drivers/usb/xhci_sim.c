// SPDX-License-Identifier: MIT
/*
 * The simulated xHCI of xhci_sim.h: its register file, and the host world the driver runs
 * in. Registers are an array; writes with side effects (USBCMD, the legacy semaphore,
 * LEGCTLSTS, CRCR, ERSTBA, PORTSC, doorbells) are modelled, reads count down the few things
 * that take time (a BIOS letting go, a reset finishing), or look at the host clock for the
 * knobs that take it in microseconds (CNR clearing, a BIOS letting go, a reset finishing:
 * each controller its own); IMAN.IP and the USBSTS change bits
 * clear where 1 is written. A doorbell or CRCR.CA hands over to
 * the rings (xhci_sim_ring.c: the command ring, endpoint 0, the event ring); a reset (HCRST)
 * stops them and forgets every slot. kmalloc/kzalloc are a bump allocator in the host's
 * simulated physical memory, so the driver's virt_to_phys and the simulator's phys_to_virt
 * meet; allocations are counted (sim_dma_live), and under ASan each sits between poisoned
 * guard pages and is poisoned when freed. printk is captured for sim_logged.
 */
#include <lios/kmalloc.h>
#include <lios/printk.h>
#include <lios/time.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xhci_sim.h"
#include "xhci_sim_internal.h"

#define DMA_BASE 0x100000u

/* Under AddressSanitizer a poisoned page follows every allocation, so the driver writing
 * past one of its DMA buffers (or the simulator past a ring) is caught. */
#if defined(__SANITIZE_ADDRESS__)
#define SIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_ASAN 1
#endif
#endif
#ifdef SIM_ASAN
#include <sanitizer/asan_interface.h>
#define GUARD 4096u
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define GUARD 0u
#endif

static uint64_t dma_next = DMA_BASE;
static long dma_live; /* allocations not freed */
static unsigned int dma_fail_in; /* sim_dma_fail: allocations until one fails, 0: none */

void sim_dma_fail(unsigned int nth) { dma_fail_in = nth; }

void *kmalloc(size_t size)
{
	uint64_t hdr = (dma_next + 4095) & ~4095ull, p = hdr + GUARD;
	size_t len = (size + 4095) & ~(size_t)4095;

	if (dma_fail_in && !--dma_fail_in)
		return NULL;
	dma_next = p + len + GUARD;
	dma_live++;
	ASAN_UNPOISON_MEMORY_REGION(phys_to_virt(p), len);
	if (GUARD) { /* the length, for kfree, in the guard page before the allocation */
		memcpy(phys_to_virt(hdr), &len, sizeof(len));
		ASAN_POISON_MEMORY_REGION(phys_to_virt(hdr), GUARD);
	}
	ASAN_POISON_MEMORY_REGION(phys_to_virt(p + len), GUARD);
	return phys_to_virt(p);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* Counted; under ASan the allocation is poisoned, so the driver (or the simulator, as a
 * controller would) touching memory it gave back is reported. Never reused. */
void kfree(void *p)
{
	size_t len;

	if (!p)
		return;
	dma_live--;
	if (!GUARD)
		return;
	ASAN_UNPOISON_MEMORY_REGION((char *)p - GUARD, sizeof(len));
	memcpy(&len, (char *)p - GUARD, sizeof(len));
	ASAN_POISON_MEMORY_REGION((char *)p - GUARD, sizeof(len));
	ASAN_POISON_MEMORY_REGION(p, len);
}

uint64_t sim_dma_used(void) { return dma_next - DMA_BASE; }
long sim_dma_live(void) { return dma_live; }

void sim_dma_reset(void)
{
	ASAN_UNPOISON_MEMORY_REGION(phys_to_virt(DMA_BASE), dma_next - DMA_BASE);
	memset(phys_to_virt(DMA_BASE), 0, dma_next - DMA_BASE);
	dma_next = DMA_BASE;
	dma_live = 0;
	dma_fail_in = 0;
}

/* ------------------------------------------------------------------ a keyboard's descriptors */
const uint8_t sim_kbd_device_desc[18] = {18, USB_DT_DEVICE, 0x00, 0x02, 0, 0, 0, 64, 0x27, 0x06, 0x01, 0x00,
					 0, 0, 0, 0, 0, 1};
const uint8_t sim_kbd_config_desc[34] = {
	9, USB_DT_CONFIG, 34, 0, 1, 1, 0, 0xa0, 50,
	9, USB_DT_INTERFACE, 0, 0, 1, USB_CLASS_HID, USB_HID_SUBCLASS_BOOT, USB_HID_PROTOCOL_KEYBOARD, 0,
	9, USB_DT_HID, 0x11, 0x01, 0, 1, 0x22, 63, 0,
	7, USB_DT_ENDPOINT, 0x81, USB_EP_XFER_INT, 8, 0, 7,
};
/* Modifiers (8 bits of usages E0-E7), a constant byte, five LED bits and three of padding
 * out, six 8-bit key slots of usages 0-101: the report a boot keyboard sends (its parts in
 * xhci_sim.h). */
const uint8_t sim_kbd_report_desc[63] = {
	SIM_KBD_DESC_OPEN, SIM_KBD_DESC_MODIFIERS, SIM_KBD_DESC_RESERVED, SIM_KBD_DESC_LEDS,
	SIM_KBD_DESC_KEYS, SIM_KBD_DESC_END,
};

/* ------------------------------------------------------------------ captured printk */
static char log_buf[16384];
static size_t log_len;

static void log_sink(const char *s, size_t len)
{
	if (log_len + len >= sizeof(log_buf))
		log_len = 0;
	memcpy(log_buf + log_len, s, len);
	log_len += len;
	log_buf[log_len] = 0;
	fwrite(s, 1, len, stdout);
}

void sim_log_start(void)
{
	printk_add_sink(log_sink, false);
	printk_set_sink_level(log_sink, 7);
}

void sim_log_clear(void) { log_len = 0, log_buf[0] = 0; }
bool sim_logged(const char *needle) { return strstr(log_buf, needle) != NULL; }

/* ------------------------------------------------------------------ registers */
#define R(off) s->reg[(off) / 4]
#define USBCMD (SIM_OP + XHCI_USBCMD)
#define USBSTS (SIM_OP + XHCI_USBSTS)
#define LEGSUP SIM_XCAP
#define LEGCTL (SIM_XCAP + XHCI_LEGCTLSTS)
#define IMAN0 (SIM_RT + XHCI_IR(0) + XHCI_IMAN)

/* Controller Not Ready as the knobs have it now: cnr_stuck, or within cnr_for_us. */
static uint32_t cnr_now(struct xhci_sim *s)
{
	if (s->cnr_stuck || (s->cnr_for_us && !deadline_passed(s->cnr_until)))
		return XHCI_STS_CNR;
	return 0;
}

void sim_init(struct xhci_sim *s)
{
	uint32_t proto = SIM_XCAP + 0x10;

	memset(s->reg, 0, sizeof(s->reg));
	R(XHCI_CAPLENGTH) = 0x01000000u | SIM_OP;
	R(XHCI_HCSPARAMS1) = (uint32_t)SIM_PORTS << 24 | 1u << 8 | SIM_SLOTS;
	R(XHCI_HCSPARAMS2) = s->scratch_hi << 21 | s->scratch_lo << 27;
	R(XHCI_HCCPARAMS1) = (uint32_t)(SIM_XCAP / 4) << 16 | (s->csz ? XHCI_HCC1_CSZ : 0) | XHCI_HCC1_AC64;
	R(XHCI_DBOFF) = SIM_DB;
	R(XHCI_RTSOFF) = SIM_RT;
	R(SIM_OP + XHCI_PAGESIZE) = s->pagesize ? s->pagesize : 1;
	R(USBCMD) = s->running ? XHCI_CMD_RUN : 0;
	s->cnr_until = s->cnr_for_us ? deadline_us(s->cnr_for_us) : 0;
	s->bios_until = 0;
	s->reset_until = 0;
	R(USBSTS) = (s->running ? 0 : XHCI_STS_HCH) | cnr_now(s);
	/* extended capabilities: legacy support (optional), then USB 3 ports 1-4, USB 2 5-8 */
	if (s->legacy) {
		R(LEGSUP) = XHCI_XCAP_LEGACY | 4u << 8 | (s->bios_owned ? XHCI_LEGSUP_BIOS_OWNED : 0);
		R(LEGCTL) = 0x0000e011u | 0xe0000000u; /* SMIs enabled, events pending */
	} else {
		R(XHCI_HCCPARAMS1) = (R(XHCI_HCCPARAMS1) & 0xffff) | (proto / 4) << 16;
	}
	R(proto) = XHCI_XCAP_PROTOCOL | 4u << 8 | 3u << 24;
	R(proto + 8) = 1 | 4u << 8;
	R(proto + 16) = XHCI_XCAP_PROTOCOL | 2u << 24;
	R(proto + 24) = 5 | 4u << 8;
	for (unsigned int p = 1; p <= SIM_PORTS; p++)
		R(SIM_OP + XHCI_PORTSC(p)) = XHCI_PORTSC_PP;
	s->bios_release_reads = s->bios_lets_go ? 3 : -1;
	s->reset_reads = 0;
	s->next_slot = 1;
	s->byte_writes = 0;
	s->reset_count = 0;
	s->warm_resets = 0;
	memset(s->port_resets, 0, sizeof(s->port_resets));
	s->outside = 0;
	s->crr = false;
	s->abort_pending = false;
	s->hung = 0;
	s->aborts = 0;
	memset(s->slot_on, 0, sizeof(s->slot_on));
	memset(s->ep0, 0, sizeof(s->ep0));
	memset(s->commands, 0, sizeof(s->commands));
	memset(s->intr_halted, 0, sizeof(s->intr_halted));
	memset(s->intr_resets, 0, sizeof(s->intr_resets));
	memset(s->intr_set_deq, 0, sizeof(s->intr_set_deq));
}

void sim_connect(struct xhci_sim *s, unsigned int port, unsigned int speed)
{
	s->plugged[port] = (uint8_t)speed;
	R(SIM_OP + XHCI_PORTSC(port)) = XHCI_PORTSC_PP | XHCI_PORTSC_CCS | XHCI_PORTSC_PED | speed << 10 |
					 XHCI_PORTSC_CSC;
}

void sim_disconnect(struct xhci_sim *s, unsigned int port)
{
	s->plugged[port] = 0;
	R(SIM_OP + XHCI_PORTSC(port)) = XHCI_PORTSC_PP | XHCI_PORTSC_CSC;
}

void sim_link_fails(struct xhci_sim *s, unsigned int port, unsigned int pls, bool ccs, unsigned int speed)
{
	s->plugged[port] = (uint8_t)speed;
	R(SIM_OP + XHCI_PORTSC(port)) = XHCI_PORTSC_PP | pls << 5 | (ccs ? XHCI_PORTSC_CCS | XHCI_PORTSC_CSC : 0) |
					 XHCI_PORTSC_PLC;
}

/* A warm reset (WPR) of port p, done at once: the link trains when a device is there. */
static uint32_t warm_reset(struct xhci_sim *s, unsigned int p, uint32_t now)
{
	uint32_t done = XHCI_PORTSC_WRC | XHCI_PORTSC_PRC;

	s->warm_resets++;
	if (s->warm_reset_hangs)
		return (now & ~done) | XHCI_PORTSC_PR;
	if (s->warm_reset_fails)
		return now | done;
	if (!s->plugged[p])
		return XHCI_PORTSC_PP | XHCI_PLS_RXDETECT << 5 | done | (now & XHCI_PORTSC_CHANGES);
	return XHCI_PORTSC_PP | XHCI_PORTSC_CCS | XHCI_PORTSC_PED | XHCI_PLS_U0 << 5 | s->plugged[p] << 10 | done |
	       (now & XHCI_PORTSC_CHANGES);
}

void sim_over_current(struct xhci_sim *s, unsigned int port, bool active)
{
	uint32_t *r = &R(SIM_OP + XHCI_PORTSC(port));

	if (active) /* the device stays plugged in: it connects again once powered */
		*r = (*r & ~(XHCI_PORTSC_PP | XHCI_PORTSC_CCS | XHCI_PORTSC_PED | 0xfu << 10)) | XHCI_PORTSC_OCA;
	else
		*r &= ~XHCI_PORTSC_OCA;
	*r |= XHCI_PORTSC_OCC;
}

static uint32_t sim_read32(void *ctx, uint32_t off)
{
	struct xhci_sim *s = ctx;

	if (s->window && off >= s->window)
		s->outside++;
	if (off % 4 || off >= SIM_SIZE)
		return 0xffffffffu;
	if (off == SIM_OP + XHCI_CRCR) /* the pointer reads 0 (5.4.5), CRR says if it runs */
		return s->crr ? XHCI_CRCR_CRR : 0;
	if (off == SIM_OP + XHCI_CRCR + 4)
		return 0;
	if (off == LEGSUP && s->legacy && (R(LEGSUP) & XHCI_LEGSUP_OS_OWNED) && s->bios_release_reads > 0 &&
	    !--s->bios_release_reads)
		R(LEGSUP) &= ~XHCI_LEGSUP_BIOS_OWNED;
	if (off == LEGSUP && s->legacy && s->bios_until && deadline_passed(s->bios_until))
		R(LEGSUP) &= ~XHCI_LEGSUP_BIOS_OWNED;
	if (off == USBCMD && s->reset_reads > 0 && !s->reset_stuck &&
	    (!s->reset_until || deadline_passed(s->reset_until)) && !--s->reset_reads) {
		R(USBCMD) = 0;
		R(USBSTS) = XHCI_STS_HCH | cnr_now(s);
	}
	if (off == USBSTS && s->cnr_for_us && !cnr_now(s))
		R(USBSTS) &= ~XHCI_STS_CNR;
	return R(off);
}

/* A PORTSC write (5.4.8): connection, enable, over-current, link state and speed are the
 * port's; change bits clear where 1 is written, a 1 in PED disables the port, PR resets it
 * (done at once when a device is there: enabled, PRC set), power (not while over-current is
 * active), indicator and wake bits take v. */
static uint32_t portsc_write(uint32_t old, uint32_t v)
{
	uint32_t now = old & (XHCI_PORTSC_CCS | XHCI_PORTSC_PED | XHCI_PORTSC_OCA | 0xfu << 5 | 0xfu << 10 |
			      XHCI_PORTSC_CHANGES);

	now &= ~(v & XHCI_PORTSC_CHANGES);
	if (v & XHCI_PORTSC_PED)
		now &= ~XHCI_PORTSC_PED;
	now |= v & XHCI_PORTSC_KEEP;
	if (now & XHCI_PORTSC_OCA)
		now &= ~XHCI_PORTSC_PP;
	if ((v & XHCI_PORTSC_PR) && (now & XHCI_PORTSC_CCS))
		now |= XHCI_PORTSC_PED | XHCI_PORTSC_PRC;
	return now;
}

static void sim_write32(void *ctx, uint32_t off, uint32_t v)
{
	struct xhci_sim *s = ctx;

	if (s->window && off >= s->window)
		s->outside++;
	if (off % 4 || off >= SIM_SIZE)
		return;
	if (off == USBCMD) {
		R(USBCMD) = v;
		if (v & XHCI_CMD_HCRST) {
			s->reset_count++;
			s->reset_reads = 2;
			s->reset_until = s->reset_for_us ? deadline_us(s->reset_for_us) : 0;
			s->pcs = 1;
			s->next_slot = 1; /* every slot is disabled by the reset */
			memset(s->ep0, 0, sizeof(s->ep0));
			memset(s->slot_on, 0, sizeof(s->slot_on));
			s->crr = false;
			s->hung = 0;
			s->abort_pending = false;
			/* and every port powered off (port power control): the devices stay plugged
			 * in and connect again once software powers their port */
			for (unsigned int p = 1; p <= SIM_PORTS; p++) {
				uint32_t old = R(SIM_OP + XHCI_PORTSC(p));

				s->plugged[p] = (old & XHCI_PORTSC_CCS) ? (uint8_t)XHCI_PORTSC_SPEED(old) : 0;
				R(SIM_OP + XHCI_PORTSC(p)) = 0;
			}
		} else if (v & XHCI_CMD_RUN) {
			if (!s->never_runs)
				R(USBSTS) &= ~XHCI_STS_HCH;
		} else if (!s->never_halts) {
			R(USBSTS) |= XHCI_STS_HCH;
		}
	} else if (off == USBSTS) {
		R(USBSTS) &= ~(v & (XHCI_STS_HSE | XHCI_STS_EINT | XHCI_STS_PCD));
	} else if (off == IMAN0) { /* IP is RW1C, IE read-write (5.5.2.1) */
		R(IMAN0) = (R(IMAN0) & ~v & XHCI_IMAN_IP) | (v & XHCI_IMAN_IE);
	} else if (s->legacy && off == LEGCTL) {
		R(LEGCTL) = (v & 0x0000ffffu) | (R(LEGCTL) & ~v & 0xe0000000u);
	} else if (off == SIM_OP + XHCI_CRCR + 4) {
		R(off) = v;
		if (!s->crr) {
			s->cmd_deq = (R(off - 4) | (uint64_t)v << 32) & ~0x3full;
			s->ccs = R(off - 4) & XHCI_CRCR_RCS;
		} else if (R(off - 4) & XHCI_CRCR_CA) {
			sim_abort_commands(s);
		}
	} else if (off == SIM_RT + XHCI_IR(0) + XHCI_ERSTBA + 4) {
		const uint64_t *erst;

		R(off) = v;
		erst = mem(R(off - 4) | (uint64_t)v << 32);
		s->ev_base = erst[0] & ~0x3full;
		s->ev_size = (unsigned int)erst[1] & 0xffff;
		s->ev_enq = 0;
		s->pcs = 1;
	} else if (off >= SIM_OP + XHCI_PORTSC(1) && off <= SIM_OP + XHCI_PORTSC(SIM_PORTS) &&
		   (off - SIM_OP - XHCI_PORTSC(1)) % 0x10 == 0) {
		unsigned int p = (off - SIM_OP - XHCI_PORTSC(1)) / 0x10 + 1;
		uint32_t was = R(off);

		R(off) = portsc_write(was, v);
		if (v & XHCI_PORTSC_PR)
			s->port_resets[p]++;
		if ((v & XHCI_PORTSC_PR) && (R(off) & XHCI_PORTSC_CCS) && s->stuck_port_resets) {
			if (s->stuck_port_resets != UINT_MAX)
				s->stuck_port_resets--;
			R(off) = (R(off) & ~(XHCI_PORTSC_PED | XHCI_PORTSC_PRC)) | XHCI_PORTSC_PR;
		} else if ((v & XHCI_PORTSC_PR) && (R(off) & XHCI_PORTSC_CCS) && s->unenabled_port_resets) {
			s->unenabled_port_resets--;
			R(off) &= ~XHCI_PORTSC_PED;
		}
		if (v & XHCI_PORTSC_WPR)
			R(off) = warm_reset(s, p, R(off));
		if (!(was & XHCI_PORTSC_PP) && (R(off) & XHCI_PORTSC_PP) && s->plugged[p])
			R(off) |= XHCI_PORTSC_CCS | XHCI_PORTSC_CSC | s->plugged[p] << 10;
	} else if (off >= SIM_DB && off < SIM_DB + 4 * (SIM_SLOTS + 1)) {
		unsigned int slot = (off - SIM_DB) / 4;

		if (!slot) {
			s->crr = true;
			sim_ring_commands(s);
		}
		else if (v == XHCI_DCI_EP0)
			sim_ring_ep0(s, slot);
	} else {
		R(off) = v;
	}
}

static void sim_write8(void *ctx, uint32_t off, uint8_t v)
{
	struct xhci_sim *s = ctx;
	uint32_t shift = (off % 4) * 8, word = off & ~3u;

	s->byte_writes++;
	if (s->window && off >= s->window)
		s->outside++;
	if (word >= SIM_SIZE)
		return;
	R(word) = (R(word) & ~(0xffu << shift)) | (uint32_t)v << shift;
	if (word == LEGSUP && s->legacy && s->bios_lets_go_us && !s->bios_until &&
	    (R(LEGSUP) & XHCI_LEGSUP_OS_OWNED))
		s->bios_until = deadline_us(s->bios_lets_go_us);
}

const struct xhci_mmio *sim_mmio(struct xhci_sim *s)
{
	s->mmio = (struct xhci_mmio){sim_read32, sim_write32, sim_write8, s};
	return &s->mmio;
}

void sim_attach(struct xhci_sim *s, struct xhci *hc)
{
	memset(hc, 0, sizeof(*hc));
	hc->mmio = sim_mmio(s);
	hc->mmio_size = s->window ? s->window : SIM_SIZE;
	strcpy(hc->name, "xhci sim");
}

int sim_start(struct xhci_sim *s, struct xhci *hc, char *why, size_t n)
{
	int err;

	sim_init(s);
	sim_attach(s, hc);
	err = xhci_takeover(hc, why, n);
	if (!err)
		err = xhci_setup(hc, why, n);
	if (!err)
		hc->slot_dev = calloc(hc->max_slots + 1u, sizeof(*hc->slot_dev));
	return err;
}
