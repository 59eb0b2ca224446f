/* SPDX-License-Identifier: MIT */
/*
 * Private to src/drivers/iommu/: one AMD IOMMU's registers (AMD I/O Virtualization
 * Technology (IOMMU) Specification 48882, its MMIO register descriptions) and the
 * sequence that turns off what firmware left on (amdvi_unit.c), reached through struct
 * amdvi_regs so that host tests run it against a simulated register page.
 */
#ifndef LIOS_AMDVI_UNIT_H
#define LIOS_AMDVI_UNIT_H

#include <lios/compiler.h>
#include <lios/types.h>

#define AMDVI_MMIO_SIZE 0x4000u /* every register below lies in the first 16 KiB */
/* 64-bit: the device table's physical address (bits 51:12) and its size in 4 KiB pages
 * minus 1 (bits 8:0); written only while the IOMMU is off */
#define AMDVI_DEV_TABLE_BASE 0x0000
#define AMDVI_DEV_TABLE_SIZE_MASK 0x1ffull
#define AMDVI_DEV_TABLE_PAGE 4096u             /* the unit of the device table's size */
#define AMDVI_CONTROL 0x0018                   /* 64-bit */
#define AMDVI_CTRL_IOMMU_EN (1ull << 0)        /* IommuEn: translation and remapping on */
#define AMDVI_CTRL_EVENT_LOG_EN (1ull << 2)    /* EventLogEn */
#define AMDVI_CTRL_EVENT_INT_EN (1ull << 3)    /* EventIntEn */
#define AMDVI_CTRL_CMD_BUF_EN (1ull << 12)     /* CmdBufEn */
#define AMDVI_CTRL_PPR_LOG_EN (1ull << 13)     /* PPRLogEn */
#define AMDVI_CTRL_PPR_INT_EN (1ull << 14)     /* PPRIntEn */
#define AMDVI_CTRL_GA_LOG_EN (1ull << 28)      /* GALogEn */
#define AMDVI_CTRL_GA_INT_EN (1ull << 29)      /* GAIntEn */
#define AMDVI_STATUS 0x2020                    /* 64-bit, read-only but for write-1-to-clear */
#define AMDVI_STATUS_EVENT_LOG_RUN (1ull << 3) /* EventLogRun */
#define AMDVI_STATUS_CMD_BUF_RUN (1ull << 4)   /* CmdBufRun */
#define AMDVI_STATUS_PPR_LOG_RUN (1ull << 7)   /* PPRLogRun */
#define AMDVI_STATUS_GA_LOG_RUN (1ull << 8)    /* GALogRun */
#define AMDVI_DTE_BYTES 32                     /* one device table entry */
#define AMDVI_DTE_V (1ull << 0)                /* the entry is valid */
/* DTE.TV: its translation fields are valid; with Mode 0 and IR, IW (bits 61, 62) clear,
 * every DMA of the device is refused */
#define AMDVI_DTE_TV (1ull << 1)
#define AMDVI_WAIT_US 100000u /* the IOMMU follows a control write in microseconds */

/* How amdvi_unit_quiesce reaches an IOMMU's registers (offsets from its base). */
struct amdvi_regs {
	uint64_t (*read64)(void *ctx, uint32_t off);
	void (*write64)(void *ctx, uint32_t off, uint64_t v);
	void *ctx;
};

/* The parts of an IOMMU that firmware may leave on, in the order they are turned off
 * (Linux's iommu_disable takes them in this order: the queues and logs, then the IOMMU). */
#define AMDVI_CMD_BUF (1u << 0)     /* CmdBufEn */
#define AMDVI_EVENT_LOG (1u << 1)   /* EventLogEn, EventIntEn */
#define AMDVI_GA_LOG (1u << 2)      /* GALogEn, GAIntEn */
#define AMDVI_PPR_LOG (1u << 3)     /* PPRLogEn, PPRIntEn */
#define AMDVI_TRANSLATION (1u << 4) /* IommuEn */

/* What an IOMMU held and what became of it. */
struct amdvi_unit_state {
	uint64_t control; /* the Control register as found */
	uint64_t status;  /* the Status register as found */
	unsigned found;   /* AMDVI_* that were on */
	unsigned stuck;   /* AMDVI_* still on (or running) after AMDVI_WAIT_US */
	bool absent;      /* its registers read all ones: nothing was written */
};

/* Turns off the command buffer, the event, guest virtual APIC and peripheral page request
 * logs, then the IOMMU itself (IommuEn), whichever is on: one Control write per part,
 * each clearing only that part's bits, each waited for (the part's Run bit in Status, or
 * IommuEn reading back clear; AMDVI_WAIT_US). Fills *st. Returns 0; -ETIMEDOUT when
 * something stayed on (st->stuck); -ENODEV when the registers read all ones (nothing
 * written). Any context. */
int amdvi_unit_quiesce(const struct amdvi_regs *r, struct amdvi_unit_state *st);

/* For the tests (kernel word amdvi.test_left_on), on an IOMMU found off: does what
 * pre-boot DMA protection does, the device table pointed at 'table' (pages 4 KiB pages
 * of entries, each valid with translation on and no permission, so every DMA of the
 * devices they cover is refused) and IommuEn set. Returns AMDVI_TRANSLATION when IommuEn
 * reads back set within AMDVI_WAIT_US, 0 otherwise, or when the IOMMU was on already or
 * reads all ones (then nothing is written). Never on real hardware outside a test: the
 * table must stay allocated. Any context. */
unsigned amdvi_unit_leave_on(const struct amdvi_regs *r, paddr_t table, unsigned pages);

/* Fills the 'pages' 4 KiB pages at table with device table entries that refuse every DMA
 * (AMDVI_DTE_V | AMDVI_DTE_TV, nothing else). Pure. */
void amdvi_block_all_table(void *table, unsigned pages);

/* The log line's text after "amdvi: unit N at ADDR: " for st, into buf (size bytes,
 * always terminated). Pure. */
void amdvi_unit_describe(const struct amdvi_unit_state *st, char *buf, size_t size);

#endif
