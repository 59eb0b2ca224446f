/* SPDX-License-Identifier: MIT */
/*
 * Private to src/drivers/iommu/: one remapping unit's registers (Intel VT-d specification,
 * its register descriptions) and the sequence that turns off what firmware left on
 * (dmar_unit.c), reached through struct dmar_regs so that host tests run it against a
 * simulated register file.
 */
#ifndef LIOS_DMAR_UNIT_H
#define LIOS_DMAR_UNIT_H

#include <lios/compiler.h>
#include <lios/types.h>

#define DMAR_REG_PAGE 4096u        /* every register below lies in the unit's first page */
#define DMAR_CAP_REG 0x08          /* 64-bit, read-only */
#define DMAR_CAP_PLMR (1ull << 5)  /* protected low-memory region supported */
#define DMAR_CAP_PHMR (1ull << 6)  /* protected high-memory region supported */
#define DMAR_ECAP_REG 0x10         /* 64-bit, read-only */
#define DMAR_ECAP_IR (1ull << 3)   /* interrupt remapping supported */
#define DMAR_GCMD_REG 0x18         /* 32-bit, write-only: one command bit changed per write */
#define DMAR_GSTS_REG 0x1c         /* 32-bit, read-only: the state each command bit asked for */
#define DMAR_GSTS_TES (1u << 31)   /* translation enabled (GCMD.TE) */
#define DMAR_GSTS_RTPS (1u << 30)  /* root table pointer set (one-shot GCMD.SRTP) */
#define DMAR_GSTS_FLS (1u << 29)   /* fault log pointer set (one-shot GCMD.SFL) */
#define DMAR_GSTS_AFLS (1u << 28)  /* advanced fault logging enabled (GCMD.EAFL) */
#define DMAR_GSTS_WBFS (1u << 27)  /* write buffer flush pending (one-shot GCMD.WBF) */
#define DMAR_GSTS_QIES (1u << 26)  /* queued invalidation enabled (GCMD.QIE) */
#define DMAR_GSTS_IRES (1u << 25)  /* interrupt remapping enabled (GCMD.IRE) */
#define DMAR_GSTS_IRTPS (1u << 24) /* interrupt remap table pointer set (one-shot GCMD.SIRTP) */
#define DMAR_GSTS_CFIS (1u << 23)  /* compatibility format interrupts allowed (GCMD.CFI) */
/* The GSTS bits a GCMD write may carry back (the 0x96FFFFFF of the spec's GCMD_REG
 * description): every bit but the one-shot commands' (RTPS, FLS, WBFS, IRTPS), which
 * would run their command again. */
#define DMAR_GSTS_PERSISTENT (~(DMAR_GSTS_RTPS | DMAR_GSTS_FLS | DMAR_GSTS_WBFS | DMAR_GSTS_IRTPS))
#define DMAR_GCMD_TE DMAR_GSTS_TES /* command bits sit where their status bits do */
#define DMAR_GCMD_IRE DMAR_GSTS_IRES
#define DMAR_GCMD_SRTP DMAR_GSTS_RTPS   /* one-shot: latch RTADDR_REG */
#define DMAR_GCMD_SIRTP DMAR_GSTS_IRTPS /* one-shot: latch IRTA_REG */
#define DMAR_RTADDR_REG 0x20            /* 64-bit: the root table's physical address */
#define DMAR_IRTA_REG \
	0xb8                     /* 64-bit: the interrupt remapping table's (size 2 entries
				      * when bits 3:0 are 0) */
#define DMAR_PMEN_REG 0x64       /* 32-bit: protected memory enable */
#define DMAR_PMEN_EPM (1u << 31) /* enable protected memory (the only writable bit) */
#define DMAR_PMEN_PRS (1u << 0)  /* protected region status, read-only */
#define DMAR_WAIT_US 100000u     /* a command's status follows in microseconds */

static_assert(DMAR_GSTS_PERSISTENT == 0x96ffffffu, "VT-d GCMD persistent bits");

/* How dmar_unit_quiesce reaches a unit's registers (offsets from its base). */
struct dmar_regs {
	uint32_t (*read32)(void *ctx, uint32_t off);
	uint64_t (*read64)(void *ctx, uint32_t off);
	void (*write32)(void *ctx, uint32_t off, uint32_t v);
	void (*write64)(void *ctx, uint32_t off, uint64_t v); /* dmar_unit_leave_on only */
	void *ctx;
};

#define DMAR_TRANSLATION (1u << 0)      /* GSTS.TES */
#define DMAR_PROTECTED_MEMORY (1u << 1) /* PMEN.EPM or PMEN.PRS, with PLMR or PHMR */
#define DMAR_INTR_REMAP (1u << 2)       /* GSTS.IRES */

/* What a unit held and what became of it. */
struct dmar_unit_state {
	uint64_t cap;   /* CAP_REG as read */
	uint32_t gsts;  /* GSTS_REG as found */
	uint32_t pmen;  /* PMEN_REG as found; 0 when the unit has no protected regions */
	unsigned found; /* DMAR_* that were on */
	unsigned stuck; /* DMAR_* still on after DMAR_WAIT_US */
	bool absent;    /* its registers read all ones: nothing was written */
};

/* Turns off translation, then the protected memory regions, then interrupt remapping,
 * whichever is on, each waited for (DMAR_WAIT_US); what else is on (queued invalidation,
 * fault logging) stays. Fills *st. Returns 0; -ETIMEDOUT when something stayed on
 * (st->stuck); -ENODEV when the registers read all ones (nothing written). Any context. */
int dmar_unit_quiesce(const struct dmar_regs *r, struct dmar_unit_state *st);

/* For the tests (kernel word dmar.test_left_on), on a unit found off: does what pre-boot
 * DMA protection does, translation on through a root table at 'table' (a zeroed 4 KiB page:
 * no device has a context, so all DMA through the unit is blocked), and, when the unit
 * offers it, interrupt remapping on through the same page as an empty remapping table with
 * compatibility format interrupts not allowed (so the I/O APIC's and MSI's are blocked).
 * Returns the DMAR_* turned on (each waited for; one that did not come on is left out).
 * Never on real hardware outside a test: the page must stay allocated. Any context. */
unsigned dmar_unit_leave_on(const struct dmar_regs *r, paddr_t table);

/* The log line's text after "dmar: unit N at ADDR: " for st, into buf (size bytes,
 * always terminated). Pure. */
void dmar_unit_describe(const struct dmar_unit_state *st, char *buf, size_t size);

#endif
