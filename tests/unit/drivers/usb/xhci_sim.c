// SPDX-License-Identifier: MIT
/*
 * The simulated xHCI of xhci_sim.h. Registers are an array; writes with side effects
 * (USBCMD, the legacy semaphore, LEGCTLSTS, CRCR, ERSTBA, doorbells) are modelled, reads
 * count down the few things that take time (a BIOS letting go, a reset finishing). Doorbell
 * 0 runs the command ring; a device doorbell for endpoint 0 runs its control TRBs against
 * the test's device function and posts Transfer Events as a controller does: a stall halts
 * the endpoint on the TRB that stalled (the driver must Reset Endpoint and Set TR Dequeue
 * Pointer before the endpoint runs again), silence leaves it stuck. A command that hangs
 * keeps the ring on it (CRCR.CRR set) until CRCR.CA aborts it (Command Aborted for it, then
 * Command Ring Stopped naming the next TRB; while the ring runs the CRCR pointer is not
 * taken) or it completes late (sim_complete_hung). kmalloc/kzalloc are a
 * bump allocator in the host's simulated physical memory, so the driver's virt_to_phys and
 * the simulator's phys_to_virt meet; allocations are counted (sim_dma_live), and under
 * ASan each sits between poisoned guard pages and is poisoned when freed.
 */
#include <lios/kmalloc.h>
#include <lios/printk.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xhci_sim.h"

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

void *kmalloc(size_t size)
{
	uint64_t hdr = (dma_next + 4095) & ~4095ull, p = hdr + GUARD;
	size_t len = (size + 4095) & ~(size_t)4095;

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

static int bios_release_reads; /* reads of LEGSUP before BIOS Owned clears (-1: never) */
static int reset_reads;        /* reads of USBCMD before HCRST clears */

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
	R(USBSTS) = (s->running ? 0 : XHCI_STS_HCH) | (s->cnr_stuck ? XHCI_STS_CNR : 0);
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
	bios_release_reads = s->bios_lets_go ? 3 : -1;
	reset_reads = 0;
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
	if (off == LEGSUP && s->legacy && (R(LEGSUP) & XHCI_LEGSUP_OS_OWNED) && bios_release_reads > 0 &&
	    !--bios_release_reads)
		R(LEGSUP) &= ~XHCI_LEGSUP_BIOS_OWNED;
	if (off == USBCMD && reset_reads > 0 && !s->reset_stuck && !--reset_reads) {
		R(USBCMD) = 0;
		R(USBSTS) = XHCI_STS_HCH | (s->cnr_stuck ? XHCI_STS_CNR : 0);
	}
	return R(off);
}

/* ------------------------------------------------------------------ event ring */
static void *mem(uint64_t phys) { return phys_to_virt(phys); }

void sim_post_event(struct xhci_sim *s, uint64_t ptr, uint32_t d2, uint32_t d3)
{
	struct xhci_trb *t = (struct xhci_trb *)mem(s->ev_base) + s->ev_enq;

	t->d[0] = (uint32_t)ptr;
	t->d[1] = (uint32_t)(ptr >> 32);
	t->d[2] = d2;
	t->d[3] = (d3 & ~TRB_CYCLE) | s->pcs;
	if (++s->ev_enq == s->ev_size) {
		s->ev_enq = 0;
		s->pcs ^= 1;
	}
}

/* The next TRB owned by the controller on a ring at *deq with cycle *cs, following Link
 * TRBs; NULL when the producer has not handed one over. */
static struct xhci_trb *next_trb(uint64_t *deq, uint32_t *cs)
{
	for (int links = 0; links < 4; links++) {
		struct xhci_trb *t = mem(*deq);

		if ((t->d[3] & TRB_CYCLE) != *cs)
			return NULL;
		if (TRB_GET_TYPE(t->d[3]) != TRB_LINK)
			return t;
		*deq = (t->d[0] | (uint64_t)t->d[1] << 32) & ~0xfull;
		if (t->d[3] & TRB_LINK_TC)
			*cs ^= 1;
	}
	return NULL;
}

/* ------------------------------------------------------------------ commands */
static uint32_t run_command(struct xhci_sim *s, const struct xhci_trb *t, unsigned int *slot)
{
	unsigned int type = TRB_GET_TYPE(t->d[3]);
	uint64_t ptr = t->d[0] | (uint64_t)t->d[1] << 32;
	unsigned int csz = s->csz ? 64 : 32;
	struct sim_ep0 *ep;

	*slot = TRB_GET_SLOT(t->d[3]);
	if (type < 64)
		s->commands[type]++;
	if (type == TRB_ENABLE_SLOT) {
		if (s->enable_slot_id) { /* a broken controller: a slot it has not, or one in use */
			*slot = s->enable_slot_id;
			return XHCI_CC_SUCCESS;
		}
		if (s->next_slot > SIM_SLOTS)
			return 9; /* No Slots Available */
		*slot = s->next_slot++;
		s->slot_on[*slot] = true;
		return XHCI_CC_SUCCESS;
	}
	if (*slot < 1 || *slot > SIM_SLOTS)
		return 11; /* Slot Not Enabled */
	ep = &s->ep0[*slot];
	if (type == TRB_RESET_EP && TRB_GET_EP(t->d[3]) != XHCI_DCI_EP0) { /* sim_intr_halt */
		if (!s->intr_halted[*slot])
			return 19; /* Context State Error */
		s->intr_halted[*slot] = false;
		s->intr_resets[*slot]++;
		return XHCI_CC_SUCCESS;
	}
	if (type == TRB_SET_TR_DEQUEUE && TRB_GET_EP(t->d[3]) != XHCI_DCI_EP0) {
		if (s->intr_halted[*slot])
			return 19;
		s->intr_set_deq[*slot] = ptr;
		return XHCI_CC_SUCCESS;
	}
	switch (type) {
	case TRB_ADDRESS_DEVICE: {
		const uint8_t *in = mem(ptr);
		const uint32_t *ep0c = (const uint32_t *)(in + 2 * csz);

		s->addr_icc_add = ((const uint32_t *)in)[XHCI_ICC_ADD];
		s->addr_slot_dw0 = *(const uint32_t *)(in + csz);
		memcpy(s->addr_slot, in + csz, sizeof(s->addr_slot));
		s->addr_ep0_deq = ep0c[2] | (uint64_t)ep0c[3] << 32;
		ep->deq = s->addr_ep0_deq & ~0xfull;
		ep->dcs = ep0c[2] & 1;
		ep->halted = false;
		return XHCI_CC_SUCCESS;
	}
	case TRB_CONFIGURE_EP:
		memcpy(s->cfg_slot, mem(ptr) + csz, sizeof(s->cfg_slot));
		return XHCI_CC_SUCCESS;
	case TRB_RESET_EP:
		if (TRB_GET_EP(t->d[3]) != XHCI_DCI_EP0 || !ep->halted)
			return 19; /* Context State Error */
		ep->halted = false;
		ep->deq |= 1ull << 63; /* stopped: only a Set TR Dequeue Pointer makes it usable */
		return XHCI_CC_SUCCESS;
	case TRB_SET_TR_DEQUEUE:
		if (ep->halted)
			return 19;
		s->last_set_deq = ptr;
		ep->deq = ptr & ~0xfull;
		ep->dcs = ptr & 1;
		ep->silent = false;
		return XHCI_CC_SUCCESS;
	case TRB_DISABLE_SLOT:
		if (s->disable_slot_cc)
			return s->disable_slot_cc;
		memset(ep, 0, sizeof(*ep));
		s->slot_on[*slot] = false;
		return XHCI_CC_SUCCESS;
	default:
		return XHCI_CC_SUCCESS; /* Evaluate Context */
	}
}

/* Run the command at the dequeue pointer (t), post its completion, go past it. */
static void complete_command(struct xhci_sim *s, const struct xhci_trb *t)
{
	unsigned int slot;
	uint32_t cc = run_command(s, t, &slot);

	sim_post_event(s, s->cmd_deq, cc << 24, TRB_TYPE(TRB_EV_CMD_COMPLETION) | TRB_SLOT(slot));
	s->cmd_deq += sizeof(struct xhci_trb);
}

static void ring_commands(struct xhci_sim *s)
{
	struct xhci_trb *t;

	if (s->hold_commands || s->hung)
		return;
	while ((t = next_trb(&s->cmd_deq, &s->ccs))) {
		if (s->hang_cmd && TRB_GET_TYPE(t->d[3]) == s->hang_cmd) {
			s->hang_cmd = 0;
			s->hung = s->cmd_deq;
			return;
		}
		complete_command(s, t);
	}
}

/* The ring stops (CRR clear): Command Ring Stopped names the TRB it would run next. */
static void ring_stop(struct xhci_sim *s)
{
	s->crr = false;
	s->abort_pending = false;
	sim_post_event(s, s->cmd_deq, XHCI_CC_CMD_RING_STOPPED << 24,
		       TRB_TYPE(TRB_EV_CMD_COMPLETION));
}

/* CRCR.CA while the ring runs (4.6.1.2): the command it is on (hung, or the first held)
 * ends with Command Aborted, then the ring stops; see abort_waits, abort_on_trb,
 * abort_no_event. */
static void abort_commands(struct xhci_sim *s)
{
	const struct xhci_trb *t = NULL;

	s->aborts++;
	if (s->hung && s->abort_waits) {
		s->abort_pending = true;
		return;
	}
	if (s->hung) {
		t = mem(s->hung);
		s->hung = 0;
		if (s->abort_on_trb || s->abort_no_event)
			t = NULL; /* stopped on it: the next doorbell runs it */
	} else if (s->hold_commands) {
		t = next_trb(&s->cmd_deq, &s->ccs);
	}
	if (t) {
		sim_post_event(s, s->cmd_deq, XHCI_CC_CMD_ABORTED << 24,
			       TRB_TYPE(TRB_EV_CMD_COMPLETION) | (t->d[3] & 0xff000000u));
		s->cmd_deq += sizeof(struct xhci_trb);
	}
	if (s->abort_no_event) {
		s->crr = false;
		return;
	}
	ring_stop(s);
}

void sim_complete_hung(struct xhci_sim *s)
{
	if (!s->hung)
		return;
	s->hung = 0;
	complete_command(s, mem(s->cmd_deq));
	if (s->abort_pending)
		ring_stop(s);
	else
		ring_commands(s);
}

/* ------------------------------------------------------------------ endpoint 0 */
void sim_run_commands(struct xhci_sim *s)
{
	s->hold_commands = false;
	ring_commands(s);
}

void sim_post_transfer(struct xhci_sim *s, unsigned int slot, unsigned int dci, uint64_t trb,
		       uint32_t cc, uint32_t residual)
{
	sim_post_event(s, trb, cc << 24 | residual, TRB_TYPE(TRB_EV_TRANSFER) | TRB_SLOT(slot) | TRB_EP(dci));
}

void sim_intr_halt(struct xhci_sim *s, unsigned int slot, unsigned int dci, uint64_t trb, uint32_t cc)
{
	s->intr_halted[slot] = true;
	sim_post_transfer(s, slot, dci, trb, cc, 0);
}

/* Run control transfers on slot's endpoint 0 until the ring is empty, the endpoint halts,
 * or the device stays silent. */
static void ring_ep0(struct xhci_sim *s, unsigned int slot)
{
	struct sim_ep0 *ep = &s->ep0[slot];
	struct xhci_trb *t;
	uint8_t data[4096];
	size_t len = 0;
	enum sim_answer answer = SIM_ANSWER;

	if (slot < 1 || slot > SIM_SLOTS || ep->halted || ep->silent || (ep->deq >> 63) || !ep->deq)
		return; /* a halted, stopped or never addressed endpoint ignores its doorbell */
	while ((t = next_trb(&ep->deq, &ep->dcs))) {
		unsigned int type = TRB_GET_TYPE(t->d[3]);
		uint64_t here = ep->deq;

		if (type == TRB_SETUP) {
			struct sim_setup su = {(uint8_t)t->d[0], (uint8_t)(t->d[0] >> 8), (uint16_t)(t->d[0] >> 16),
					       (uint16_t)t->d[1], (uint16_t)(t->d[1] >> 16)};

			len = 0;
			answer = s->device ? s->device(s, slot, &su, data, &len) : SIM_SILENT;
			if (answer == SIM_SILENT) {
				ep->silent = true;
				return;
			}
			if (len > su.length)
				len = su.length;
		} else if (answer == SIM_STALL || answer == SIM_XACT_ERROR) {
			/* the data or status stage is where a device's STALL handshake shows */
			sim_post_transfer(s, slot, XHCI_DCI_EP0, here,
					  answer == SIM_STALL ? XHCI_CC_STALL : XHCI_CC_USB_TRANSACTION,
					  t->d[2] & 0x1ffff);
			ep->halted = true;
			return;
		} else if (type == TRB_DATA) {
			uint32_t want = t->d[2] & 0x1ffff;
			size_t n = len < want ? len : want;

			if (t->d[3] & TRB_DIR_IN)
				memcpy(mem(t->d[0] | (uint64_t)t->d[1] << 32), data, n);
			if (t->d[3] & TRB_IOC)
				sim_post_transfer(s, slot, XHCI_DCI_EP0, here,
						  n < want ? XHCI_CC_SHORT_PACKET : XHCI_CC_SUCCESS,
						  (uint32_t)(want - n));
		} else if (type == TRB_STATUS && (t->d[3] & TRB_IOC)) {
			sim_post_transfer(s, slot, XHCI_DCI_EP0, here, XHCI_CC_SUCCESS, 0);
		}
		ep->deq += sizeof(struct xhci_trb);
	}
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
			reset_reads = 2;
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
			R(USBSTS) &= ~XHCI_STS_HCH;
		} else if (!s->never_halts) {
			R(USBSTS) |= XHCI_STS_HCH;
		}
	} else if (off == USBSTS) {
		R(USBSTS) &= ~(v & (XHCI_STS_HSE | XHCI_STS_EINT | XHCI_STS_PCD));
	} else if (s->legacy && off == LEGCTL) {
		R(LEGCTL) = (v & 0x0000ffffu) | (R(LEGCTL) & ~v & 0xe0000000u);
	} else if (off == SIM_OP + XHCI_CRCR + 4) {
		R(off) = v;
		if (!s->crr) {
			s->cmd_deq = (R(off - 4) | (uint64_t)v << 32) & ~0x3full;
			s->ccs = R(off - 4) & XHCI_CRCR_RCS;
		} else if (R(off - 4) & XHCI_CRCR_CA) {
			abort_commands(s);
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
			ring_commands(s);
		}
		else if (v == XHCI_DCI_EP0)
			ring_ep0(s, slot);
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
}

void sim_attach(struct xhci_sim *s, struct xhci *hc)
{
	memset(hc, 0, sizeof(*hc));
	s->mmio = (struct xhci_mmio){sim_read32, sim_write32, sim_write8, s};
	hc->mmio = &s->mmio;
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
